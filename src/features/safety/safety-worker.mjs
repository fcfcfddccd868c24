// Trains the safety model off the main thread at start (and writes it to the model cache); the
// thread then exits and its memory goes back.
import { parentPort } from 'node:worker_threads';
import { importBeside } from '../../core/import-beside.mjs';

const safety = await importBeside(import.meta.url, 'safety-model');
parentPort.postMessage(safety.safetyModel().toData());

// Trains the intent model off the main thread, so chats are answered while it learns.
import { parentPort, workerData } from 'node:worker_threads';
import { importBeside } from '../core/import-beside.mjs';

const service = await importBeside(import.meta.url, 'nlu-service');
parentPort.postMessage(service.trainModel(workerData.intents, workerData.pool).toData());

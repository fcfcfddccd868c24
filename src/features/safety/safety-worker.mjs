// Trains the safety model off the main thread at start (and writes it to the model cache); the
// thread then exits and its memory goes back. Plain JavaScript, as the NLU's train-worker.mjs.
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';

const compiled = new URL('./safety-model.js', import.meta.url);
let safety;
if (fs.existsSync(compiled)) {
  safety = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  safety = await import('./safety-model.ts');
}
parentPort.postMessage(safety.safetyModel().toData());

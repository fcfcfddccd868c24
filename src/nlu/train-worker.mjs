// Trains the intent model off the main thread, so chats are answered while it learns.
// Plain JavaScript: beside the compiled code (dist/, `npm start`) it loads nlu-service.js; beside
// the TypeScript sources (tests, scripts) it loads them through tsx.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const compiled = new URL('./nlu-service.js', import.meta.url);
let service;
if (fs.existsSync(compiled)) {
  service = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  service = await import('./nlu-service.ts');
}
parentPort.postMessage(service.trainModel(workerData.intents, workerData.pool).toData());

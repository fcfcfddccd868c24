// Trains the intent model off the main thread, so chats are answered while it learns.
// Plain JavaScript that loads the TypeScript sources through tsx, which Loa already runs on.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { trainModel } = await import('./nlu-service.ts');
parentPort.postMessage(trainModel(workerData.intents, workerData.pool).toData());

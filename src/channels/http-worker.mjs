// The HTTP worker thread: every call to a platform's API is made here, so the thread that takes
// webhooks and runs turns does not also parse the platforms' answers. Requests come, and answers
// go back, in batches (one message per loop turn each way). Plain JavaScript that loads the
// TypeScript transport through tsx, which Loa already runs on.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { requestJsonHere } = await import('./http-transport.ts');

let answers = [];
function answer(a) {
  answers.push(a);
  if (answers.length === 1) {
    setImmediate(() => {
      parentPort.postMessage(answers);
      answers = [];
    });
  }
}

parentPort.on('message', (batch) => {
  for (const { id, url, options } of batch) {
    requestJsonHere(url, options).then(
      (response) => answer({ id, response }),
      (err) => answer({ id, error: err.message }),
    );
  }
});
parentPort.postMessage('ready');

// A Loa process that only sends broadcasts, for the tests with two dispatchers sharing one store
// and with a process killed in the middle of a broadcast.
//   tsx tests/fakes/dispatch-process.ts <dataDir> <graphUrl> drain|run
import { loadConfig } from '../../src/config.ts';
import { createLoa } from '../../src/loa.ts';
import { silentLogger } from '../../src/logger.ts';
import * as fb from './messenger-fixtures.ts';

const [dataDir, graphUrl, mode] = process.argv.slice(2);
const loa = await createLoa(loadConfig({
  DATA_DIR: dataDir, LOG_LEVEL: 'silent', BROADCAST_RATE_MESSENGER: '0',
  ...fb.messengerEnv(graphUrl),
}), { logger: silentLogger(), clock: () => new Date('2026-11-26T02:00:00Z'), dispatcher: { batchSize: 20, concurrency: 4 } });
const dispatcher = loa.features.dispatcher;
await loa.store.deliveries.markStaleSendingUncertain(); // what start() does after a crash
if (mode === 'drain') {
  await dispatcher.drain();
  await loa.close();
  console.log('done');
} else {
  await dispatcher.start(); // runs until killed
}

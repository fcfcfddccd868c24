// One Loa-like process for the "two processes, one store" test: runs a job through the scheduler's
// lease and says whether it ran.
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { Scheduler } from '../../src/jobs/scheduler.ts';
import { silentLogger } from '../../src/logger.ts';

const [file, at] = process.argv.slice(2);
const store = openSqliteStore(file);
const clock = () => new Date(at);
const scheduler = new Scheduler({ store, logger: silentLogger(), clock, timeZone: 'Asia/Ho_Chi_Minh' });
const ran = await scheduler.runOnce({
  name: 'weekly-report', cron: '0 7 * * 1',
  run: async () => {
    await store.documents.put('test_runs', String(process.pid), { at }, at);
    await new Promise((r) => setTimeout(r, 200)); // a job that takes a while
  },
});
await store.close();
console.log(ran ? 'ran' : 'skipped');

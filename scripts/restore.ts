// npm run restore -- <backup file>: puts a backup in place of the store. Stop Loa first. The
// current files are kept beside it (loa.db.before-restore-<time>).
import path from 'node:path';
import { restoreStore } from '../src/store/sqlite/backup.ts';
import { configOrFail, fail, parseArgs } from './cli-util.ts';

const config = configOrFail();
const { positional } = parseArgs(process.argv.slice(2));
if (!positional[0]) fail('usage: npm run restore -- <backup file>   (stop Loa first)');
const live = path.join(config.DATA_DIR, 'loa.db');
try {
  const { keptAs } = restoreStore(path.resolve(positional[0]), live);
  console.log(`Restored ${path.resolve(positional[0])} to ${path.resolve(live)}.${keptAs ? ` The previous store is kept as ${keptAs}.` : ''} Start Loa again.`);
} catch (err) {
  fail(`Restore failed: ${(err as Error).message}`);
}

// npm run restore -- <backup file>: puts a backup in place of the store. Stop Loa first. The
// current files are kept beside it (loa.db.before-restore-<time>). Parents erased since the copy
// was made are erased again at once (the erasure ledger).
import path from 'node:path';
import { restoreStore } from '../src/store/sqlite/backup.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { backupDir } from '../src/features/operations/backup-job.ts';
import { reapplyErasures } from '../src/features/privacy/erasure-ledger.ts';
import { ERASED } from '../src/features/privacy/privacy-service.ts';
import { configOrFail, fail, parseArgs } from './cli-util.ts';

const config = configOrFail();
const { positional } = parseArgs(process.argv.slice(2));
if (!positional[0]) fail('usage: npm run restore -- <backup file>   (stop Loa first)');
const live = path.join(config.DATA_DIR, 'loa.db');
try {
  const { keptAs } = restoreStore(path.resolve(positional[0]), live);
  const store = openSqliteStore(live);
  const erased = await reapplyErasures(store, [config.DATA_DIR, backupDir(config)], new Date().toISOString(), ERASED).finally(() => store.close());
  console.log(`Restored ${path.resolve(positional[0])} to ${path.resolve(live)}.${keptAs ? ` The previous store is kept as ${keptAs}.` : ''}`
    + ` ${erased.length} parent(s) erased since the copy was made were erased again (${path.join(config.DATA_DIR, 'erasures.log')}). Start Loa again.`);
} catch (err) {
  fail(`Restore failed: ${(err as Error).message}`);
}

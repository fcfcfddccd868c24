// npm run backup [-- <target file>]: an online copy of the store, safe while Loa runs; checked
// (PRAGMA quick_check) before it counts; the BACKUP_KEEP newest copies are kept.
import path from 'node:path';
import { backupFileName, backupStore, pruneBackups } from '../src/store/sqlite/backup.ts';
import { backupDir } from '../src/features/operations/backup-job.ts';
import { configOrFail, fail, parseArgs } from './cli-util.ts';

const config = configOrFail();
if (config.STORE !== 'sqlite') fail('npm run backup copies the SQLite store; STORE is not sqlite');
const { positional } = parseArgs(process.argv.slice(2));
const dir = backupDir(config);
const target = positional[0] ? path.resolve(positional[0]) : path.join(dir, backupFileName(new Date()));
try {
  const { file, bytes } = await backupStore(path.join(config.DATA_DIR, 'loa.db'), target);
  console.log(`Backup written: ${file} (${Math.round(bytes / 1024)} KB), checked with PRAGMA quick_check.`);
  if (!positional[0]) for (const old of pruneBackups(dir, config.BACKUP_KEEP, config.BACKUP_MAX_DAYS)) console.log(`Removed old backup ${old} (BACKUP_KEEP=${config.BACKUP_KEEP}, BACKUP_MAX_DAYS=${config.BACKUP_MAX_DAYS}).`);
} catch (err) {
  fail(`Backup failed: ${(err as Error).message}`);
}

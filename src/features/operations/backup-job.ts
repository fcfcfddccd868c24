// The nightly backup: an online copy of the SQLite store into BACKUP_DIR, BACKUP_KEEP kept.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Job } from '../../jobs/scheduler.ts';
import { backupFileName, backupStore, pruneBackups } from '../../store/sqlite/backup.ts';

export const backupDir = (config: Pick<Config, 'BACKUP_DIR' | 'DATA_DIR'>) => path.resolve(config.BACKUP_DIR ?? path.join(config.DATA_DIR, 'backups'));

export function backupJob(deps: { config: Config; logger: Logger; clock: () => Date; alert(message: string): Promise<void> }): Job {
  const { config, logger, clock } = deps;
  return {
    name: 'nightly-backup',
    cron: config.BACKUP_CRON,
    leaseMs: 10 * 60_000,
    async run() {
      const dir = backupDir(config);
      try {
        const { file, bytes } = await backupStore(path.join(config.DATA_DIR, 'loa.db'), path.join(dir, backupFileName(clock())));
        const removed = pruneBackups(dir, config.BACKUP_KEEP, config.BACKUP_MAX_DAYS, clock());
        logger.info({ file, bytes, removed: removed.length }, 'nightly backup written');
      } catch (err) {
        await deps.alert(`Sao lưu hằng đêm không thành công / The nightly backup failed: ${(err as Error).message}`);
      }
    },
  };
}

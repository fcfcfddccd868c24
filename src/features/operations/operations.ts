// What keeps Loa running on a real machine: watching the store's writes and the disk, and the
// jobs that back up and prune the store. One module, so that loa.ts wires it in a few lines.
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Store } from '../../store/types.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { Job } from '../../jobs/scheduler.ts';
import { diskWatch } from './disk-watch.ts';
import { backupJob } from './backup-job.ts';

export interface OperationsDeps {
  config: Config;
  store: Store;
  pipeline: Pipeline;
  alerts: AlertService;
  logger: Logger;
  clock: () => Date;
}

export function operations(deps: OperationsDeps) {
  const { config, store, pipeline, alerts, logger } = deps;
  const disk = diskWatch({
    dir: config.DATA_DIR, thresholdMb: config.DISK_FREE_ALERT_MB, logger, intervalMs: config.DISK_CHECK_INTERVAL_MS,
    alert: (message, details) => alerts.raise('disk_low', message, details),
  });
  // A failed commit: /readyz says not ready, the store retries; once writes work again an admin
  // hears of it, and events whose processing was rolled back are read back from the inbox.
  store.onHealthChange?.((change) => {
    if (!change.writable) {
      logger.error({ reason: change.error }, 'the store cannot write: answering 503 until it can');
      return;
    }
    logger.warn({ downForMs: change.downForMs }, 'the store writes again');
    void alerts.raise('store_write_failed', `Loa không ghi được dữ liệu trong ${Math.round(change.downForMs / 1000)} giây (ổ đĩa đầy hoặc lỗi ghi); tin nhắn trong lúc đó được trả lời 503 để nền tảng gửi lại. / Loa could not write to its store for ${Math.round(change.downForMs / 1000)} s (full disk or I/O error); messages were answered 503 so the platforms send them again.`, { downForMs: change.downForMs })
      .catch((err) => logger.error({ err: (err as Error).message }, 'the store alert could not be stored'));
    void pipeline.recover().catch((err) => logger.error({ err: (err as Error).message }, 'reading back rolled-back events failed'));
  });
  const jobs: Job[] = [];
  if (config.STORE === 'sqlite') jobs.push(backupJob({ config, logger, clock: deps.clock, alert: alerts.forKind('backup_failed') }));
  return {
    jobs,
    disk,
    start(): void {
      disk.start();
    },
    stop(): void {
      disk.stop();
    },
  };
}

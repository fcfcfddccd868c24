// Free space where the store lives, checked every minute: an alert (and an error in the log)
// when it falls below DISK_FREE_ALERT_MB, once per crossing, before the disk is actually full.
import fs from 'node:fs';
import type { Logger } from 'pino';

export interface DiskWatchDeps {
  dir: string;
  thresholdMb: number;
  logger: Logger;
  /** Raises the alert; may fail when the disk is already full (the log still has it). */
  alert(message: string, details: unknown): Promise<void>;
  intervalMs?: number;
}

export function freeMegabytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return (Number(s.bavail) * Number(s.bsize)) / (1024 * 1024);
}

export function diskWatch(deps: DiskWatchDeps) {
  let low = false;
  let timer: NodeJS.Timeout | null = null;
  const check = async (): Promise<number | null> => {
    let free: number;
    try {
      free = freeMegabytes(deps.dir);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'free disk space could not be read');
      return null;
    }
    if (free < deps.thresholdMb && !low) {
      low = true;
      const message = `Ổ đĩa của Loa sắp đầy: còn ${Math.floor(free)} MB (ngưỡng ${deps.thresholdMb} MB). / Loa's disk is almost full: ${Math.floor(free)} MB free (threshold ${deps.thresholdMb} MB). Free some space or enlarge the disk; when it is full, messages are refused with 503 until space is back.`;
      deps.logger.error({ freeMb: Math.floor(free), thresholdMb: deps.thresholdMb }, 'disk almost full');
      await deps.alert(message, { freeMb: Math.floor(free), thresholdMb: deps.thresholdMb }).catch((err) => deps.logger.error({ err: (err as Error).message }, 'the disk alert could not be stored'));
    } else if (free >= deps.thresholdMb * 1.1 && low) {
      low = false;
      deps.logger.info({ freeMb: Math.floor(free) }, 'disk space back above the threshold');
    }
    return free;
  };
  return {
    check,
    start(): void {
      if (timer || deps.thresholdMb <= 0) return;
      void check();
      timer = setInterval(() => void check(), deps.intervalMs ?? 60_000);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

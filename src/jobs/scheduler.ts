// Scheduled jobs: { name, cron, run }. node-cron in the school's time zone; a lease in the store
// so that when several Loa processes share a store, each job runs in only one of them.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Store } from '../store/types.ts';

export interface Job {
  name: string;
  /** node-cron expression, in the school's time zone. */
  cron: string;
  run(): Promise<unknown>;
  /** How long one run holds the job against other processes (default 50 s). */
  leaseMs?: number;
}

export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private readonly holder = `pid-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly deps: { store: Store; logger: Logger; clock: () => Date; timeZone: string }) {}

  start(jobs: Job[]): void {
    for (const job of jobs) {
      if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron "${job.cron}"`);
      this.tasks.push(cron.schedule(job.cron, () => void this.runOnce(job), { timezone: this.deps.timeZone, name: job.name }));
    }
  }

  /**
   * Runs the job if no other process holds its lease; returns whether it ran. The lease is kept
   * until it expires (not released), so another process whose timer fires a moment later for the
   * same tick does not run the job again; it must be shorter than the job's interval.
   */
  async runOnce(job: Job): Promise<boolean> {
    const { store, logger, clock } = this.deps;
    if (!(await store.leases.acquire(`job:${job.name}`, this.holder, job.leaseMs ?? 50_000, clock().getTime()))) return false;
    try {
      await job.run();
    } catch (err) {
      logger.error({ err, job: job.name }, 'job failed');
    }
    return true;
  }

  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
  }
}

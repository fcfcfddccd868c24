// One conversation at a time, many conversations at once: tasks with the same key run in the
// order they were queued; tasks with different keys run concurrently, up to a limit.
//
// Tasks start in batches, one batch per turn of the event loop, in its check phase: after the poll
// phase has read every request that arrived. A batch is sized to take about `sliceMs`, so in a
// burst the platforms still get their 200s at once (Zalo wants one within 2 s; Meta retries, then
// disables a slow webhook) while the inbox holds the backlog. Without a burst a task starts in
// the same loop turn it was queued in.
import { performance } from 'node:perf_hooks';

export interface KeyedQueueOptions {
  maxConcurrent?: number;
  /** About how long the tasks started in one turn of the event loop may take. */
  sliceMs?: number;
}

interface Batch {
  startedAt: number;
  size: number;
  left: number;
}

export class KeyedQueue {
  private tails = new Map<string, Promise<unknown>>();
  private inFlight = new Set<Promise<unknown>>();
  private waiting: ((batch: Batch) => void)[] = [];
  private running = 0;
  private pumpQueued = false;
  /** How many tasks start per loop turn: adapts to what the last batch took. */
  private perBatch = 8;
  private readonly maxConcurrent: number;
  private readonly sliceMs: number;

  constructor(options: KeyedQueueOptions = {}) {
    this.maxConcurrent = options.maxConcurrent ?? 64;
    this.sliceMs = options.sliceMs ?? 0.5;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(async () => {
      const batch = await this.acquire();
      try {
        return await task();
      } finally {
        this.release(batch);
      }
    });
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    this.inFlight.add(tail);
    void tail.then(() => {
      this.inFlight.delete(tail);
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private acquire(): Promise<Batch> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedulePump();
    });
  }

  private release(batch: Batch): void {
    this.running--;
    if (--batch.left === 0) {
      // The whole batch is done: size the next one to take about sliceMs.
      const perTask = (performance.now() - batch.startedAt) / batch.size;
      this.perBatch = Math.max(1, Math.min(this.maxConcurrent, Math.floor(this.sliceMs / Math.max(perTask, 0.01))));
    }
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpQueued || !this.waiting.length) return;
    this.pumpQueued = true;
    setImmediate(() => this.pump());
  }

  private pump(): void {
    this.pumpQueued = false;
    const size = Math.min(this.perBatch, this.maxConcurrent - this.running, this.waiting.length);
    if (size <= 0) return; // release() pumps again when a slot frees
    const batch: Batch = { startedAt: performance.now(), size, left: size };
    this.running += size;
    for (const start of this.waiting.splice(0, size)) start(batch);
    this.schedulePump(); // the rest in the next loop turn, after the requests that came meanwhile
  }
}

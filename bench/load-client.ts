// The load generator (load-generator.mjs) in a process of its own, so its work does not count as
// Loa's: it gets the signed bodies once, starts a fake Graph server, and answers each request sent.
import { fork, type ChildProcess } from 'node:child_process';

export interface LoadGenerator {
  worker: ChildProcess;
  /** The fake Graph server's address, for FACEBOOK_GRAPH_URL. */
  graphUrl: string;
  /** Sends a command and waits for its one answer. */
  ask<T>(msg: object): Promise<T>;
  stop(): void;
}

export async function startLoadGenerator(load: { total: number; concurrency: number; bodies: { raw: string; sig: string; psid: string }[] }): Promise<LoadGenerator> {
  const worker = fork(new URL('./load-generator.mjs', import.meta.url), { serialization: 'advanced', execArgv: [] });
  worker.setMaxListeners(100);
  worker.send(load);
  const ask = <T>(msg: object) => new Promise<T>((resolve, reject) => {
    worker.once('message', (m) => resolve(m as T));
    worker.once('error', reject);
    worker.send(msg);
  });
  const { graphUrl } = await new Promise<{ graphUrl: string }>((resolve) => worker.once('message', (m) => resolve(m as { graphUrl: string })));
  return { worker, graphUrl, ask, stop: () => worker.send({ kind: 'stop' }) };
}

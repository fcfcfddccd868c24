// The platform clients' only way out: JSON over HTTP, made in a worker thread of its own
// (http-worker.mjs). Loa's main thread takes webhooks and runs turns; at a few thousand replies a
// second, making the requests and parsing the answers there would take a fifth of its time.
import { Worker } from 'node:worker_threads';
import { NetworkError, type HttpRequestOptions, type HttpResponse } from './http-transport.ts';

export { NetworkError, type HttpResponse } from './http-transport.ts';

type Answer = { id: number; response?: HttpResponse; error?: string };
type Request = { id: number; url: string; options: HttpRequestOptions };

let worker: Worker | null = null;
let ready: Promise<void> = Promise.resolve();
let nextId = 1;
const pending = new Map<number, { resolve: (r: HttpResponse) => void; reject: (e: Error) => void }>();
let batch: Request[] = [];

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./http-worker.mjs', import.meta.url));
  let isReady!: () => void;
  ready = new Promise((resolve) => (isReady = resolve));
  w.on('message', (m: Answer[] | 'ready') => {
    if (m === 'ready') return isReady();
    for (const a of m) {
      const p = pending.get(a.id);
      if (!p) continue;
      pending.delete(a.id);
      if (a.error !== undefined) p.reject(new NetworkError(a.error));
      else p.resolve(a.response!);
    }
    if (!pending.size) w.unref(); // idle: do not keep the process alive
  });
  // A worker that dies fails what it was sending (the outbox retries) and is started again next time.
  const fail = (why: string) => {
    if (worker === w) worker = null;
    isReady();
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new NetworkError(why));
    }
  };
  w.on('error', (err) => fail(`HTTP worker failed: ${err.message}`));
  w.on('exit', (code) => fail(`HTTP worker exited (${code})`));
  w.unref();
  worker = w;
  return w;
}

/** Starts the worker ahead of the first message (it takes a moment to load). */
export function startHttpWorker(): Promise<void> {
  theWorker();
  return ready;
}

export function requestJson(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    batch.push({ id, url, options });
    if (batch.length === 1) setImmediate(sendBatch);
  });
}

/** The requests of one loop turn go to the worker as one message. */
function sendBatch(): void {
  const w = theWorker();
  w.ref(); // requests on their way keep the process alive
  w.postMessage(batch);
  batch = [];
}

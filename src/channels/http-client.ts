// A small JSON-over-HTTP client: the platform clients' only way out. The calls run on a thread of
// their own (http-thread.mjs), so that sending a thousand replies a second does not take the core
// that receives webhooks and runs turns. Calls go over in batches, one message per event-loop
// turn each way. (Node's fetch costs several times more per call than node:http.)
import { Worker } from 'node:worker_threads';

export interface HttpResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

export class NetworkError extends Error {}

interface Call { id: number; url: string; method: string; headers: Record<string, string>; body: string; timeoutMs: number }
type Answer = { id: number; status: number; json: unknown } | { id: number; error: string };
interface Waiting { resolve: (r: HttpResponse) => void; reject: (e: Error) => void }
interface HttpThread { worker: Worker; waiting: Map<number, Waiting> }

let current: HttpThread | null = null;
let nextId = 1;
let batch: { call: Call; waiting: Waiting }[] = [];

function startThread(): HttpThread {
  // Its own small heap: a call is a few kilobytes for a few milliseconds.
  const worker = new Worker(new URL('./http-thread.mjs', import.meta.url), { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 } });
  const t: HttpThread = { worker, waiting: new Map() };
  worker.on('message', (answers: Answer[]) => {
    for (const a of answers) {
      const w = t.waiting.get(a.id);
      t.waiting.delete(a.id);
      if (!w) continue;
      if ('error' in a) w.reject(new NetworkError(a.error));
      else w.resolve({ status: a.status, json: a.json });
    }
    if (t.waiting.size === 0) worker.unref(); // an idle thread does not keep the process alive
  });
  // A thread that stops takes its calls with it: they may or may not have reached the platform,
  // like any call cut off by the network.
  const lost = (why: string) => {
    if (current === t) current = null;
    for (const w of t.waiting.values()) w.reject(new NetworkError(why));
    t.waiting.clear();
  };
  worker.on('error', (err) => lost(`HTTP thread failed: ${err.message}`));
  worker.on('exit', () => lost('HTTP thread stopped'));
  worker.unref();
  return t;
}

function sendBatch(): void {
  const calls = batch;
  batch = [];
  let t: HttpThread;
  try {
    t = current ??= startThread();
  } catch (err) {
    for (const { waiting } of calls) waiting.reject(new NetworkError(`HTTP thread could not start: ${(err as Error).message}`));
    return;
  }
  for (const { call, waiting } of calls) t.waiting.set(call.id, waiting);
  t.worker.ref();
  t.worker.postMessage(calls.map((c) => c.call));
}

export function requestJson(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    if (batch.length === 0) setImmediate(sendBatch);
    batch.push({
      call: { id: nextId++, url, method: options.method ?? 'POST', headers: options.headers ?? {}, body: options.body ?? '', timeoutMs: options.timeoutMs ?? 10_000 },
      waiting: { resolve, reject },
    });
  });
}

/** Stops the thread; calls in flight fail as network errors. The next call starts a new one. */
export async function stopHttpThread(): Promise<void> {
  const t = current;
  current = null;
  if (t) await t.worker.terminate();
}

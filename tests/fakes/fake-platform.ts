// A fake platform server on 127.0.0.1: records every request and answers from a script, so the
// channel clients run real HTTP exactly as they would against Meta's or Zalo's servers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: any;
  rawBody: string;
}

type Reply = { status?: number; body: unknown } | ((req: RecordedRequest) => { status?: number; body: unknown });

export class FakePlatform {
  readonly requests: RecordedRequest[] = [];
  private readonly scripted = new Map<string, Reply[]>();
  private readonly defaults = new Map<string, Reply>();
  private server: http.Server | null = null;
  url = '';
  /** Answer this much later (a slow platform, for crash tests). */
  delayMs = 0;

  /** The answer for every request to this path, unless a one-off answer is queued. */
  on(path: string, reply: Reply): this {
    this.defaults.set(path, reply);
    return this;
  }

  /** One-off answers, used in order before the default. */
  queue(path: string, ...replies: Reply[]): this {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...replies]);
    return this;
  }

  to(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Listens on a free port, or on `port` (to come back where it was after stop()). */
  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        let body: unknown = raw;
        if ((req.headers['content-type'] ?? '').includes('json')) body = raw ? JSON.parse(raw) : null;
        else if ((req.headers['content-type'] ?? '').includes('urlencoded')) body = Object.fromEntries(new URLSearchParams(raw));
        const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody: raw };
        this.requests.push(recorded);
        const queue = this.scripted.get(url.pathname);
        let reply = queue?.length ? queue.shift()! : this.defaults.get(url.pathname);
        if (!reply) reply = { status: 404, body: { error: 'no such fake route' } };
        const r = typeof reply === 'function' ? reply(recorded) : reply;
        const answer = () => {
          res.writeHead(r.status ?? 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(r.body));
        };
        if (this.delayMs) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** Waits until a condition holds (replies are sent after the webhook's 200). */
export async function eventually<T>(check: () => T | Promise<T>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw last instanceof Error ? last : new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

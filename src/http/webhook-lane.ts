// The platforms' webhooks are answered here, in front of express; every other request goes on to
// express. A webhook is the one route hit thousands of times in a burst (a class group at 7:30,
// a fee announcement), and express's router and body parsers cost more than the webhook's own
// work: on this kind of machine bare node:http answers 2–4 times as many requests as bare express.
// A webhook needs none of what express adds: one path, a raw body with a limit, a status and a
// short body back.
import type http from 'node:http';
import type { Logger } from 'pino';
import { BODY_LIMIT_BYTES } from './limits.ts';
import { HttpError, shuttingDown, toHttpError } from './errors.ts';
import { WEBHOOK_HEADERS } from './security-headers.ts';

export interface WebhookRequest {
  /** The exact bytes the platform signed (empty for GET). */
  raw: Buffer;
  query: URLSearchParams;
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
}

export interface WebhookReply {
  status: number;
  /** Text is sent as text/plain, anything else as JSON. */
  body: string | object;
}

export interface WebhookEndpoint {
  path: string;
  /** A platform's verification handshake (Meta's hub.challenge). */
  get?(req: WebhookRequest): WebhookReply;
  post(req: WebhookRequest): Promise<WebhookReply>;
}

export interface WebhookLaneDeps {
  logger: Logger;
  /** While Loa stops, webhooks get 503 so the platforms deliver them again later. */
  isShuttingDown?: () => boolean;
  /** Per-address limit: false answers 429 before the body is read. */
  admitAddress?: (address: string) => boolean;
}

/** A request listener that answers the endpoints' paths itself and hands the rest to `next`. */
export function webhookLane(endpoints: WebhookEndpoint[], next: http.RequestListener, deps: WebhookLaneDeps): http.RequestListener {
  const byPath = new Map(endpoints.map((e) => [e.path, e]));
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const endpoint = byPath.get(q === -1 ? url : url.slice(0, q));
    const query = () => new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    if (endpoint && req.method === 'POST') {
      if (deps.isShuttingDown?.()) return reply(res, failure(shuttingDown()));
      if (deps.admitAddress && !deps.admitAddress(clientAddress(req))) {
        req.resume();
        return reply(res, failure(new HttpError(429, 'rate_limited', 'too many requests from this address; try again later')));
      }
      readBody(req, (err, raw) => {
        if (err) return reply(res, failure(err));
        endpoint.post(requestOf(req, raw, query())).then(
          (r) => reply(res, r),
          (e) => reply(res, failure(toHttpError(e, deps.logger, endpoint.path))),
        );
      });
    } else if (endpoint?.get && req.method === 'GET') {
      try {
        reply(res, endpoint.get(requestOf(req, Buffer.alloc(0), query())));
      } catch (e) {
        reply(res, failure(toHttpError(e, deps.logger, endpoint.path)));
      }
    } else {
      next(req, res);
    }
  };
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The client's address as express's `trust proxy: loopback` reads it: a local proxy's X-Forwarded-For is believed. */
export function clientAddress(req: http.IncomingMessage): string {
  const hops = [...String(req.headers['x-forwarded-for'] ?? '').split(',').map((h) => h.trim()).filter(Boolean)];
  let address = req.socket.remoteAddress ?? 'unknown';
  while (LOOPBACK.test(address) && hops.length) address = hops.pop()!;
  return address;
}

function requestOf(req: http.IncomingMessage, raw: Buffer, query: URLSearchParams): WebhookRequest {
  return {
    raw,
    query,
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    },
  };
}

/** The body as sent, up to the limit; past it a 413, and the rest is read and dropped. */
function readBody(req: http.IncomingMessage, done: (err: HttpError | null, raw: Buffer) => void): void {
  const tooLarge = () => new HttpError(413, 'body_too_large', `the request body is larger than the ${BODY_LIMIT_BYTES} bytes allowed`);
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding !== 'identity') {
    req.resume();
    return done(new HttpError(415, 'unsupported_encoding', `content-encoding "${encoding}" is not supported`), Buffer.alloc(0));
  }
  if (Number(req.headers['content-length']) > BODY_LIMIT_BYTES) {
    req.resume();
    return done(tooLarge(), Buffer.alloc(0));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (err: HttpError | null) => {
    if (finished) return;
    finished = true;
    done(err, err ? Buffer.alloc(0) : Buffer.concat(chunks, size));
  };
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) finish(tooLarge());
    else chunks.push(chunk);
  });
  req.on('end', () => finish(null));
  // A client that goes away mid-body gets no answer; nothing was recorded.
  req.on('error', () => { finished = true; });
}

const failure = (e: HttpError): WebhookReply => ({ status: e.status, body: e.toJSON() });

function reply(res: http.ServerResponse, r: WebhookReply): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof r.body === 'string';
  const body = text ? (r.body as string) : JSON.stringify(r.body);
  res.writeHead(r.status, {
    'content-type': text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...WEBHOOK_HEADERS,
  });
  res.end(body);
}

// A small JSON-over-HTTP client on node:http(s) with keep-alive agents: the platform clients'
// only way out. (Node's fetch costs several times more per call, which shows at a few hundred
// replies a second.)
import http from 'node:http';
import https from 'node:https';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export interface HttpResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

export class NetworkError extends Error {}

export function requestJson(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpResponse> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  const body = options.body ?? '';
  return new Promise((resolve, reject) => {
    const req = lib.request(u, {
      method: options.method ?? 'POST',
      agent: agents[u.protocol as 'http:' | 'https:'],
      headers: { ...options.headers, 'content-length': Buffer.byteLength(body) },
      timeout: options.timeoutMs ?? 10_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on('error', (err) => reject(new NetworkError(err.message)));
    });
    req.on('timeout', () => req.destroy(new NetworkError('timeout')));
    req.on('error', (err) => reject(err instanceof NetworkError ? err : new NetworkError(err.message)));
    req.end(body);
  });
}

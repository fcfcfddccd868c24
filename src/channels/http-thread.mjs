// The platform calls on a thread of their own (plain JS: no loader, ~10 MB). Requests come in
// batches from http-client.ts; answers go back in batches, one message per event-loop turn.
import http from 'node:http';
import https from 'node:https';
import { parentPort } from 'node:worker_threads';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

let answers = [];
function answer(a) {
  if (answers.length === 0) setImmediate(() => { const batch = answers; answers = []; parentPort.postMessage(batch); });
  answers.push(a);
}

function call({ id, url, method, headers, body, timeoutMs }) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return answer({ id, error: `bad URL ${url}` });
  }
  const lib = u.protocol === 'https:' ? https : http;
  const req = lib.request(u, {
    method, agent: agents[u.protocol], timeout: timeoutMs,
    headers: { ...headers, 'content-length': Buffer.byteLength(body) },
  }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      let json;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        json = undefined;
      }
      answer({ id, status: res.statusCode ?? 0, json });
    });
    res.on('error', (err) => answer({ id, error: err.message }));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (err) => answer({ id, error: err.message }));
  req.end(body);
}

parentPort.on('message', (batch) => { for (const r of batch) call(r); });

// Runs in a process of its own: open consoles following GET /api/admin/events, so that reading
// their streams is not counted as Loa's work. Commands by IPC: open, count, close, stop.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });
let streams = [];
let events = 0;
let heartbeats = 0;

function open(url, token) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`stream answered ${res.statusCode}`)); res.resume(); return; }
      res.setEncoding('utf8');
      let first = true;
      res.on('data', (chunk) => {
        for (const line of chunk.split('\n')) {
          if (line.startsWith('event: ') && line !== 'event: hello') events++;
          else if (line.startsWith(':')) heartbeats++;
        }
        if (first) { first = false; resolve(); }
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    streams.push(req);
  });
}

process.on('message', async (msg) => {
  if (msg.kind === 'open') {
    await Promise.all(msg.tokens.map((token) => open(msg.url, token)));
    process.send({ open: streams.length });
  } else if (msg.kind === 'count') {
    process.send({ events, heartbeats });
  } else if (msg.kind === 'close') {
    for (const r of streams) r.destroy();
    streams = [];
    process.send({ open: 0 });
  } else if (msg.kind === 'stop') {
    for (const r of streams) r.destroy();
    agent.destroy();
    process.disconnect();
  }
});
process.send({ ready: true });

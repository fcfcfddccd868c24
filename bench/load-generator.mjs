// Runs in a process of its own, on the other core: the fake Graph server and the load generator,
// so that Loa's own process is measured, not the test rig. Started by fork() with the bodies to
// send as its first message.
import http from 'node:http';

const { total, concurrency, bodies } = await new Promise((resolve) => process.once('message', resolve));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const sentAt = new Map();
const latencies = [];
let firstSend = 0;
let lastReply = 0;

const graph = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const psid = /"recipient":\{"id":"([^"]+)"/.exec(raw)?.[1] ?? '';
    const t = sentAt.get(psid);
    if (t !== undefined) {
      latencies.push(performance.now() - t);
      sentAt.delete(psid);
    }
    lastReply = performance.now();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"recipient_id":"${psid}","message_id":"m"}`);
  });
});

function post(port, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body.raw), 'x-hub-signature-256': body.sig } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body.raw);
  });
}

async function run(port, offset, count, track) {
  let next = 0;
  const start = performance.now();
  if (!firstSend) firstSend = start;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const b = bodies[offset + next++];
      if (track) sentAt.set(b.psid, performance.now());
      const status = await post(port, '/webhooks/facebook', b);
      if (status !== 200) throw new Error(`answered ${status}`);
    }
  }));
  return count / ((performance.now() - start) / 1000);
}

graph.listen(0, '127.0.0.1', () => process.send({ graphUrl: `http://127.0.0.1:${graph.address().port}` }));

process.on('message', async (msg) => {
  if (msg.kind === 'warm') {
    await run(msg.port, msg.offset, msg.count, false);
    process.send({});
  } else if (msg.kind === 'bare') {
    process.send({ rate: await run(msg.port, msg.offset, total, false) });
  } else if (msg.kind === 'loa') {
    latencies.length = 0;
    firstSend = 0;
    const elu0 = performance.eventLoopUtilization();
    const rate = await run(msg.port, msg.offset, total, true);
    const workerBusy = performance.eventLoopUtilization(elu0).utilization;
    const until = performance.now() + 60_000;
    while (latencies.length < total && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    latencies.sort((a, b) => a - b);
    process.send({ rate, replies: latencies.length, e2eRate: latencies.length / ((lastReply - firstSend) / 1000), latencies, workerBusy });
  } else if (msg.kind === 'paced') {
    // A steady offered load: one message every 1000/rate ms, for the latency at a normal load.
    latencies.length = 0;
    const interval = 1000 / msg.rate;
    const start = performance.now();
    const pending = [];
    for (let i = 0; i < msg.count; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const b = bodies[msg.offset + i];
      sentAt.set(b.psid, performance.now());
      pending.push(post(msg.port, '/webhooks/facebook', b));
    }
    await Promise.all(pending);
    const until = performance.now() + 30_000;
    while (latencies.length < msg.count && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
    latencies.sort((a, b) => a - b);
    process.send({ replies: latencies.length, latencies });
  } else if (msg.kind === 'stop') {
    graph.close();
    agent.destroy();
    process.disconnect();
  }
});

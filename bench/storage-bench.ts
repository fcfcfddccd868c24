// Loa as production runs it (compiled, `node dist/main.js`, in a process of its own) while signed
// Messenger webhooks arrive at saturation: its peak memory (VmHWM), and the bytes the store keeps
// per message before retention applies (the tables a message writes, with their indexes).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import * as fx from '../tests/fakes/messenger-fixtures.ts';
import { startCommand, tempDir } from '../tests/helpers.ts';
import { freePort } from '../tests/secops/process.ts';
import { line } from './stats.ts';

const PARENTS = 1000;
const PER_PARENT = 10;
const CONCURRENCY = 64;
const TEXTS = ['học phí bao nhiêu ạ', 'mai con ăn gì', 'mấy giờ đón con', 'cho em hỏi lịch nghỉ tết', 'cảm ơn cô', 'hello, what time is pick up?', 'trường có xe đưa đón không', 'xin chào'];
/** Tables a message writes, with their indexes. */
const MESSAGE_TABLES = ['inbox', 'transcript', 'outbox', 'contacts', 'sessions', 'message_texts', 'inbox_events'];

/** CPU seconds the process has used (user + system): a figure the shared machine's load moves less than a rate. */
const cpuSeconds = (pid: number) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const vm = (pid: number, key: string) => {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
};

export async function storageBench(): Promise<void> {
  execFileSync('npm', ['run', '-s', 'build:server'], { stdio: 'inherit' });
  let replies = 0;
  const graph = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      replies++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"recipient_id":"x","message_id":"m"}');
    });
  });
  await new Promise<void>((r) => graph.listen(0, '127.0.0.1', r));
  const dataDir = tempDir('loa-storage-bench-');
  const port = await freePort();
  const { nodeArgs, entry } = startCommand();
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', FACEBOOK_VERIFY_TOKEN: fx.VERIFY_TOKEN, FACEBOOK_APP_SECRET: fx.APP_SECRET, FACEBOOK_PAGE_ACCESS_TOKEN: fx.PAGE_TOKEN, FACEBOOK_GRAPH_URL: `http://127.0.0.1:${(graph.address() as AddressInfo).port}` },
    stdio: 'ignore',
  });
  const pid = child.pid!;
  for (;;) {
    if ((await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const rssReady = vm(pid, 'VmRSS');
  const cpuReady = cpuSeconds(pid);

  const total = PARENTS * PER_PARENT;
  const now = Date.now();
  const bodies = Array.from({ length: total }, (_, i) => {
    const raw = JSON.stringify(fx.textMessage(`${9_100_000 + (i % PARENTS)}`, `m.${i}`, TEXTS[i % TEXTS.length], new Date(now).toISOString()));
    return { raw, sig: fx.sign(raw) };
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, vm(pid, 'VmRSS')); }, 20);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < total) {
      const b = bodies[next++];
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/webhooks/facebook', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b.raw), 'x-hub-signature-256': b.sig } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`answered ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(b.raw);
      });
    }
  }));
  const ackRate = total / ((performance.now() - started) / 1000);
  const until = Date.now() + 120_000;
  while (replies < total && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  clearInterval(sampler);
  const hwm = vm(pid, 'VmHWM');
  const cpuPerMessage = (cpuSeconds(pid) - cpuReady) / total;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  graph.close();
  agent.destroy();

  const db = new Database(path.join(dataDir, 'loa.db'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const sizes = db.prepare(`SELECT tbl_name AS t, SUM(s.pgsize) AS bytes FROM dbstat s JOIN sqlite_master m ON m.name = s.name
    WHERE tbl_name IN (${MESSAGE_TABLES.map(() => '?').join(', ')}) GROUP BY tbl_name`).all(...MESSAGE_TABLES) as { t: string; bytes: number }[];
  db.close();
  const stored = sizes.reduce((a, s) => a + s.bytes, 0);
  const perMessage = stored / total;

  line(`webhooks acked (${PARENTS} parents × ${PER_PARENT} messages, ${CONCURRENCY} at once)`, `${Math.round(ackRate)} req/s; ${replies}/${total} replied`);
  line('Loa\'s CPU per message (acked, answered, reply sent)', `${(cpuPerMessage * 1e6).toFixed(0)} µs`);
  line('Loa\'s memory when ready (rss, compiled JS)', `${(rssReady / 1048576).toFixed(0)} MB`);
  line('Loa\'s peak memory at saturation (VmHWM)', `${(Math.max(hwm, peak) / 1048576).toFixed(0)} MB`, '< 200 MB', Math.max(hwm, peak) < 200 * 1048576);
  line('bytes stored per message (before retention)', `${(perMessage / 1024).toFixed(2)} KB: ${sizes.map((s) => `${s.t} ${(s.bytes / total).toFixed(0)} B`).join(', ')}`, '≤ 1 KB', perMessage <= 1024);
}

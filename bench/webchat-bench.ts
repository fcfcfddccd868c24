// Web chat target: 1,000 open pages (server-sent event streams, held by a process of their own so
// their memory is not counted as Loa's), one announcement to all of them delivered in under 5 s,
// Loa under 200 MB of memory meanwhile.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { createLoa } from '../src/loa.ts';
import { silentLogger } from '../src/logger.ts';
import { VisitorIdentity } from '../src/channels/webchat/visitor-identity.ts';
import { tempDir } from '../tests/helpers.ts';
import { line, mb } from './stats.ts';

const PAGES = 1000;
const SECRET = 'bench-webchat-secret-0123456789abcdef';

// The browsers: one stream each, counting the messages that arrive and acknowledging them as the widget does.
const BROWSERS = `
const http = require('node:http');
let received = 0, open = 0, acked = 0;
process.on('message', (m) => {
  if (m.cmd === 'open') {
    for (const token of m.tokens) {
      http.get(m.url + '/api/chat/events', { headers: { 'x-loa-visitor': token }, agent: false }, (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          buffer += chunk;
          let cut;
          while ((cut = buffer.indexOf('\\n\\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            if (block.startsWith('retry:')) { if (++open === m.tokens.length) process.send({ open }); }
            else if (block.startsWith('id:')) {
              received++;
              const upTo = Number(/^id: (\\d+)/.exec(block)[1]);
              const ack = http.request(m.url + '/api/chat/received', { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'x-loa-visitor': token } }, (r) => { r.resume(); r.on('end', () => acked++); });
              ack.on('error', () => undefined);
              ack.end(JSON.stringify({ upTo }));
            }
          }
        });
      }).on('error', (e) => process.send({ error: e.message }));
    }
  }
  if (m.cmd === 'count') process.send({ received, acked });
  if (m.cmd === 'stop') process.exit(0);
});
`;

export async function webchatBench(): Promise<void> {
  const dir = tempDir('loa-webchat-');
  const loa = await createLoa(loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', WEBCHAT_SECRET: SECRET, CHAT_RATE_PER_IP: '0', NEW_CONTACTS_PER_IP_PER_HOUR: '0' }), { logger: silentLogger() });
  const server = http.createServer(loa.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // 1,000 parents who subscribed on the web chat.
  const identity = new VisitorIdentity(Buffer.from(SECRET, 'utf8'));
  const tokens: string[] = [];
  for (let i = 0; i < PAGES; i++) {
    const v = identity.issue();
    tokens.push(v.token);
    const c = await loa.store.contacts.touch({ channel: 'webchat', accountId: 'web', userId: v.userId, threadId: v.userId, threadType: 'user' }, new Date().toISOString());
    await loa.store.subscriptions.subscribe(c.id, 'school', 'chat', 'webchat', new Date().toISOString());
  }
  await loa.store.flush();

  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const browsers = spawn(process.execPath, ['-e', BROWSERS], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(m: object) => new Promise<T>((r) => { browsers.once('message', (x) => r(x as T)); browsers.send(m); });
  await ask<{ open: number }>({ cmd: 'open', url, tokens });
  line('open web chat pages', `${loa.webchat.openPages}`, `${PAGES}`, loa.webchat.openPages === PAGES);

  const admin = { id: 'bench', name: 'bench', role: 'admin' as const, classIds: [], createdAt: '', disabled: false };
  const t = performance.now();
  const b = await loa.features.broadcasts.create(admin, { title: 'bench', text: { vi: 'Thứ Sáu trường nghỉ tổng vệ sinh.' }, audience: { groups: ['school'] } });
  await loa.features.broadcasts.submit(admin, b.id);
  await loa.features.broadcasts.approve(admin, b.id);
  let received = 0;
  let acked = 0;
  let receivedMs = NaN;
  while ((received < PAGES || acked < PAGES) && performance.now() - t < 30_000) {
    await loa.features.dispatcher.runOnce();
    ({ received, acked } = await ask<{ received: number; acked: number }>({ cmd: 'count' }));
    if (received === PAGES && Number.isNaN(receivedMs)) receivedMs = performance.now() - t;
    if (received === PAGES && acked < PAGES) await new Promise((r) => setTimeout(r, 5));
  }
  const ms = performance.now() - t;
  line('announcement shown on 1,000 open pages', `${receivedMs.toFixed(0)} ms`, '< 5000 ms', receivedMs < 5000);
  clearInterval(sample);
  const counts = (await loa.store.deliveries.counts(b.id)).byStatus;
  line('announcement to 1,000 open pages, acknowledged', `${ms.toFixed(0)} ms (${received} received, ${counts.delivered} delivered)`, '< 5000 ms', ms < 5000 && received === PAGES && counts.delivered === PAGES);
  line('peak memory (rss) with 1,000 open pages', `${mb(peak)} (node with the tsx loader is ~80 MB of it)`, '< 200 MB', peak < 200 * 1024 * 1024);
  browsers.send({ cmd: 'stop' });
  server.closeAllConnections();
  server.close();
  await loa.close();
}

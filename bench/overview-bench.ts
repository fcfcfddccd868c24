// The console's live stream under the webhooks' load: Messenger webhook acks per second with no
// console open and with 50 consoles following GET /api/admin/events (principals, admins and
// teachers limited to a class), rounds taking turns. One message in ten is a question Loa cannot
// answer, so every round tells the open consoles something. The load generator and the consoles
// run in processes of their own, so that only Loa's work is measured.
import http from 'node:http';
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { createLoa } from '../src/loa.ts';
import { silentLogger } from '../src/logger.ts';
import { UserService } from '../src/features/users/user-service.ts';
import type { Role } from '../src/store/types.ts';
import * as fx from '../tests/fakes/messenger-fixtures.ts';
import { tempDir } from '../tests/helpers.ts';
import { startLoadGenerator } from './load-client.ts';
import { line } from './stats.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function consoles() {
  const child = fork(new URL('./sse-clients.mjs', import.meta.url), { serialization: 'advanced', execArgv: [] });
  const ask = <T>(msg: object) => new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('error', reject);
    child.send(msg);
  });
  child.setMaxListeners(100);
  const ready = new Promise((resolve) => child.once('message', resolve));
  return { ask, ready, stop: () => child.send({ kind: 'stop' }) };
}

export async function overviewBench(): Promise<void> {
  const TOTAL = 4000;
  const CONCURRENCY = 32;
  const ROUNDS = 5;
  const CONSOLES = 50;
  const WARM = 2000;
  const now = Date.now();
  const bodies = Array.from({ length: WARM + ROUNDS * 2 * TOTAL }, (_, i) => {
    const text = i % 10 === 0 ? `thoi tiet o ha noi hom nay the nao ${i}` : i % 2 ? 'hoc phi bao nhieu' : 'mai an gi';
    const raw = JSON.stringify(fx.textMessage(`psid${i}`, `mid${i}`, text, new Date(now).toISOString()));
    return { raw, sig: fx.sign(raw), psid: `psid${i}` };
  });
  const { graphUrl, ask, stop } = await startLoadGenerator({ total: TOTAL, concurrency: CONCURRENCY, bodies });
  const loa = await createLoa(loadConfig({ DATA_DIR: tempDir('loa-bench-'), LOG_LEVEL: 'silent', ...fx.messengerEnv(graphUrl) }), { logger: silentLogger() });
  await loa.start();
  const server = await new Promise<http.Server>((resolve) => {
    const s = http.createServer(loa.app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;

  // The people following: 40 principals and admins (every event), 10 teachers of one class each.
  const users = new UserService({ store: loa.store, clock: () => new Date() });
  const classes = loa.school.get('classes').map((c) => c.id);
  const tokens: string[] = [];
  for (let i = 0; i < CONSOLES; i++) {
    const role: Role = i < 10 ? 'staff' : i % 2 ? 'principal' : 'admin';
    const u = await loa.store.users.create({ username: `bench${i}`, name: `Người ${i}`, role, classIds: role === 'staff' ? [classes[i % classes.length]] : [] }, new Date().toISOString());
    tokens.push((await users.issueToken(u!.id, 'bench', 30)).token);
  }
  const followers = consoles();
  await followers.ready;
  const url = `http://127.0.0.1:${port}/api/admin/events`;

  await ask({ kind: 'warm', port, offset: 0, count: WARM });
  await loa.pipeline.drain();
  const without: number[] = [];
  const withConsoles: number[] = [];
  // Loa's CPU time per message (ms): unlike a rate, not swayed by what else runs on the host.
  const busyWithout: number[] = [];
  const busyWith: number[] = [];
  let heard = 0;
  const round = async (offset: number) => {
    const cpu = process.cpuUsage();
    const { rate } = await ask<{ rate: number }>({ kind: 'loa', port, offset });
    await loa.pipeline.drain();
    const used = process.cpuUsage(cpu);
    return { rate, busyMs: (used.user + used.system) / 1000 / TOTAL };
  };
  for (let r = 0; r < ROUNDS; r++) {
    // Which goes first alternates, so that a drift of the host's speed favours neither.
    const order = r % 2 ? ['with', 'without'] : ['without', 'with'];
    for (const arm of order) {
      const offset = WARM + (r * 2 + (arm === order[0] ? 0 : 1)) * TOTAL;
      if (arm === 'without') {
        const x = await round(offset);
        without.push(x.rate);
        busyWithout.push(x.busyMs);
      } else {
        await followers.ask({ kind: 'open', url, tokens });
        const before = await followers.ask<{ events: number }>({ kind: 'count' });
        const x = await round(offset);
        withConsoles.push(x.rate);
        busyWith.push(x.busyMs);
        await new Promise((resolve) => setTimeout(resolve, 300)); // the last batch of events
        heard += (await followers.ask<{ events: number }>({ kind: 'count' })).events - before.events;
        await followers.ask({ kind: 'close' });
      }
    }
  }
  const ratios = without.map((w, i) => withConsoles[i] / w);
  const slower = (1 - median(ratios)) * 100;
  const busier = (median(busyWith) / median(busyWithout) - 1) * 100;
  line('webhook acks, no console following', `${Math.round(median(without))} req/s (${without.map(Math.round).join(', ')})`);
  line(`webhook acks, ${CONSOLES} consoles following live`, `${Math.round(median(withConsoles))} req/s (${withConsoles.map(Math.round).join(', ')})`);
  line('  slower with the consoles open (median pair)', `${slower.toFixed(1)} %`, '≤ 5 %', slower <= 5);
  line('  Loa\'s CPU per message, without / with', `${median(busyWithout).toFixed(3)} / ${median(busyWith).toFixed(3)} ms (${busier >= 0 ? '+' : ''}${busier.toFixed(1)} %)`);
  line('  events the consoles heard', `${heard} over ${ROUNDS} rounds (${Math.round(heard / ROUNDS / CONSOLES)} per console per round)`);

  followers.stop();
  stop();
  server.closeAllConnections();
  server.close();
  await loa.close();
}

// The cost of the rate limits on the webhook path: signed Messenger webhooks acked by a Loa with
// the default limits on and by one with every limit lifted, in alternating rounds on the same
// machine (its speed drifts too much for figures from different minutes to compare). The load
// comes from one address, as a platform's does, at a rate under the per-address limit: the limits
// are checked on every request, and none is refused (the hits are counted to show it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { createLoa, type Loa } from '../src/loa.ts';
import { silentLogger } from '../src/logger.ts';
import { rateLimitHits } from '../src/metrics/metrics.ts';
import { RateLimits } from '../src/core/rate-limits.ts';
import * as fx from '../tests/fakes/messenger-fixtures.ts';
import { tempDir } from '../tests/helpers.ts';
import { startLoadGenerator } from './load-client.ts';
import { line } from './stats.ts';

const listen = (app: http.RequestListener) => new Promise<http.Server>((resolve) => {
  const s = http.createServer(app).listen(0, '127.0.0.1', () => resolve(s));
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[], unit = '') => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}${unit}`;
const LIFTED = { CHAT_RATE_PER_IP: '0', CHAT_RATE_PER_CONVERSATION: '0', NEW_CONTACTS_PER_IP_PER_HOUR: '0', WEBHOOK_RATE_PER_IP: '0', WEBHOOK_RATE_PER_CONVERSATION: '0' };

export async function limitsBench(): Promise<void> {
  const TOTAL = 4000;
  const CONCURRENCY = 32;
  const ROUNDS = 7;
  const WARM = 3000;
  const now = new Date().toISOString();
  const bodies = Array.from({ length: 2 * (WARM + ROUNDS * TOTAL) }, (_, i) => {
    const raw = JSON.stringify(fx.textMessage(`lim${i}`, `lim-mid${i}`, i % 2 ? 'hoc phi bao nhieu' : 'mai an gi', now));
    return { raw, sig: fx.sign(raw), psid: `lim${i}` };
  });
  const { graphUrl, ask, stop } = await startLoadGenerator({ total: TOTAL, concurrency: CONCURRENCY, bodies });

  const start = async (env: Record<string, string>): Promise<{ loa: Loa; server: http.Server; port: number }> => {
    const loa = await createLoa(loadConfig({
      DATA_DIR: tempDir('loa-bench-'), LOG_LEVEL: 'silent', ...env,
      ...fx.messengerEnv(graphUrl),
    }), { logger: silentLogger() });
    await loa.start();
    const server = await listen(loa.app);
    return { loa, server, port: (server.address() as AddressInfo).port };
  };
  const on = await start({}); // the defaults
  const off = await start(LIFTED);
  const half = WARM + ROUNDS * TOTAL;
  await ask({ kind: 'warm', port: on.port, offset: 0, count: WARM });
  await ask({ kind: 'warm', port: off.port, offset: half, count: WARM });
  await Promise.all([on.loa.pipeline.drain(), off.loa.pipeline.drain()]);
  const hitsBefore = (await rateLimitHits.get()).values.reduce((n, v) => n + v.value, 0);

  const rates = { on: [] as number[], off: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    // Which goes first alternates, so a drift of the host within a round favours neither.
    for (const which of r % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const target = which === 'on' ? on : off;
      const offset = (which === 'on' ? 0 : half) + WARM + r * TOTAL;
      const { rate } = await ask<{ rate: number }>({ kind: 'bare', port: target.port, offset });
      rates[which].push(rate);
      await target.loa.pipeline.drain(); // its turns finish before the other is measured
    }
  }
  const hits = (await rateLimitHits.get()).values.reduce((n, v) => n + v.value, 0) - hitsBefore;
  const ratios = rates.on.map((x, i) => (x / rates.off[i]) * 100);
  line('webhooks acked, every limit lifted', `${Math.round(median(rates.off))} req/s (${spread(rates.off)}; median of ${ROUNDS})`);
  line('webhooks acked, default limits on', `${Math.round(median(rates.on))} req/s (${spread(rates.on)})`);
  line('  limits on as a share of lifted, same round', `${median(ratios).toFixed(1)}% (${spread(ratios, '%')})`, '≥ 95%', median(ratios) >= 95);
  line('  requests refused by a limit meanwhile', `${hits}`);


  // The same question without the host's drift: what the two checks a webhook event passes (its
  // address, its conversation) cost, against the time a request takes at today's figure.
  const limits = new RateLimits({ chatPerIp: 120, chatPerConversation: 20, newContactsPerIpPerHour: 30, webhookPerIp: 1e9, webhookPerConversation: 30 });
  const N = 1_000_000;
  const keys = Array.from({ length: 10_000 }, (_, i) => `messenger:page:user:psid${i}`);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    limits.take(limits.webhookIp, '127.0.0.1');
    limits.take(limits.webhookConversation, keys[i % keys.length]);
  }
  const perEvent = ((performance.now() - t0) * 1000) / N;
  const request = 1e6 / Math.max(...rates.off);
  line('limit checks per webhook event', `${perEvent.toFixed(2)} µs, ${((perEvent / request) * 100).toFixed(2)}% of a request at ${Math.round(Math.max(...rates.off))} req/s`, '< 5%', perEvent / request < 0.05);

  stop();
  for (const x of [on, off]) {
    await x.loa.close();
    x.server.close();
  }
}

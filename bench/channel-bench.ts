// Messenger webhooks under load, all on 127.0.0.1: signed-webhook ack throughput next to a bare
// express handler in the same run, and end-to-end replies per second through a fake Graph server.
// The load generator and the fake Graph run in a process of their own (the other core).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { loadConfig } from '../src/config.ts';
import { createLoa } from '../src/loa.ts';
import { silentLogger } from '../src/logger.ts';
import * as fx from '../tests/fakes/messenger-fixtures.ts';
import { tempDir } from '../tests/helpers.ts';
import { startLoadGenerator } from './load-client.ts';
import { line, percentile } from './stats.ts';

const listen = (app: http.RequestListener) => new Promise<http.Server>((resolve) => {
  const s = http.createServer(app).listen(0, '127.0.0.1', () => resolve(s));
});

/** The middle of a few numbers, and their spread, for figures from a machine shared with others. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[], unit = '') => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}${unit}`;

export async function channelBench(): Promise<void> {
  const TOTAL = 6000;
  const CONCURRENCY = 32;
  // Bare express and Loa take turns, three rounds each: the host's speed drifts from one second to
  // the next, so each ratio compares neighbours and the medians are reported.
  const ROUNDS = 3;
  const now = Date.now();
  // Steady offered loads, for latency: a busy morning (500/s), and the target rate itself.
  const PACED = 4000;
  const PACED_RATES = [500, 2000];
  const WARM_BODIES = 3000;
  const bodies = Array.from({ length: WARM_BODIES + ROUNDS * TOTAL + PACED * PACED_RATES.length }, (_, i) => {
    const raw = JSON.stringify(fx.textMessage(`psid${i}`, `mid${i}`, i % 2 ? 'hoc phi bao nhieu' : 'mai an gi', new Date(now).toISOString()));
    return { raw, sig: fx.sign(raw), psid: `psid${i}` };
  });
  const { graphUrl, ask, stop } = await startLoadGenerator({ total: TOTAL, concurrency: CONCURRENCY, bodies });

  // The baseline: express reading a raw body and answering 200, nothing else.
  const bare = express();
  bare.post('/webhooks/facebook', express.raw({ type: () => true }), (_req, res) => { res.status(200).send('EVENT_RECEIVED'); });
  const bareServer = await listen(bare);
  const barePort = (bareServer.address() as AddressInfo).port;

  const loa = await createLoa(loadConfig({
    DATA_DIR: tempDir('loa-bench-'), LOG_LEVEL: 'silent',
    ...fx.messengerEnv(graphUrl),
  }), { logger: silentLogger() });
  await loa.start();
  const server = await listen(loa.app);
  const port = (server.address() as AddressInfo).port;
  // Both warmed alike before anything is measured: the JIT needs a few thousand calls.
  await ask({ kind: 'warm', port: barePort, offset: 0, count: WARM_BODIES });
  await ask({ kind: 'warm', port, offset: 0, count: WARM_BODIES });
  await loa.pipeline.drain(); // its replies too, or they would run during the first bare round
  const memBefore = process.memoryUsage().rss;

  type LoaRound = { rate: number; replies: number; e2eRate: number; latencies: number[]; workerBusy: number };
  const rounds: { bare: number; loa: LoaRound; loaBusy: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const { rate: bareRate } = await ask<{ rate: number }>({ kind: 'bare', port: barePort, offset: 0 });
    const elu0 = performance.eventLoopUtilization();
    const round = await ask<LoaRound>({ kind: 'loa', port, offset: WARM_BODIES + r * TOTAL });
    rounds.push({ bare: bareRate, loa: round, loaBusy: performance.eventLoopUtilization(elu0).utilization });
  }
  bareServer.close();

  const ratios = rounds.map((r) => (r.loa.rate / r.bare) * 100);
  const e2e = rounds.map((r) => r.loa.e2eRate);
  const mid = rounds.find((r) => r.loa.e2eRate === median(e2e))!;
  line('bare express handler (median of 3)', `${Math.round(median(rounds.map((r) => r.bare)))} req/s (${spread(rounds.map((r) => r.bare))})`);
  line('signed Messenger webhook, recorded + acked', `${Math.round(median(rounds.map((r) => r.loa.rate)))} req/s (${spread(rounds.map((r) => r.loa.rate))})`);
  line('  as a share of bare express, same round', `${median(ratios).toFixed(0)}% (${spread(ratios, '%')})`, '≥ 50% of bare', median(ratios) >= 50);
  line('end-to-end replies through the fake Graph', `${Math.round(median(e2e))} replies/s (${spread(e2e)}; ${mid.loa.replies}/${TOTAL} replied)`, '≥ 2000/s', median(e2e) >= 2000);
  line('busy: Loa\'s main thread / the load generator\'s', `${(mid.loaBusy * 100).toFixed(0)} % / ${(mid.loa.workerBusy * 100).toFixed(0)} %`);
  line('end-to-end latency p50 at saturation', `${percentile(mid.loa.latencies, 50).toFixed(1)} ms (messages wait in the inbox while webhooks are acked first)`);
  line('end-to-end latency p99 at saturation', `${percentile(mid.loa.latencies, 99).toFixed(1)} ms`);
  for (const [i, rate] of PACED_RATES.entries()) {
    const paced = await ask<{ replies: number; latencies: number[] }>({ kind: 'paced', port, offset: WARM_BODIES + ROUNDS * TOTAL + i * PACED, count: PACED, rate });
    const p99 = percentile(paced.latencies, 99);
    line(`latency at a steady ${rate} messages/s, p50`, `${percentile(paced.latencies, 50).toFixed(1)} ms (${paced.replies}/${PACED} replies)`);
    line(`latency at a steady ${rate} messages/s, p99`, `${p99.toFixed(1)} ms`, '< 50 ms', p99 < 50 && paced.replies === PACED);
  }
  line('Loa process memory (rss) after the run', `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB (was ${(memBefore / 1024 / 1024).toFixed(0)} MB)`);

  stop();
  await loa.close();
  server.close();
}

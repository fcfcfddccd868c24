// Messenger webhooks under load, all on 127.0.0.1: signed-webhook ack throughput next to a bare
// express handler in the same run, and end-to-end replies per second through a fake Graph server.
// The load generator and the fake Graph run in a worker thread (the other core).
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import express from 'express';
import { loadConfig } from '../src/config.ts';
import { createLoa } from '../src/loa.ts';
import { silentLogger } from '../src/logger.ts';
import * as fx from '../tests/fakes/messenger-fixtures.ts';
import { tempDir } from '../tests/helpers.ts';
import { line, percentile } from './stats.ts';

const listen = (app: express.Express) => new Promise<http.Server>((resolve) => {
  const s = app.listen(0, '127.0.0.1', () => resolve(s));
});

export async function channelBench(): Promise<void> {
  const TOTAL = 6000;
  const CONCURRENCY = 32;
  const now = Date.now();
  const PACED = 3000;
  const PACED_RATE = 500;
  const bodies = Array.from({ length: TOTAL + 300 + PACED }, (_, i) => {
    const raw = JSON.stringify(fx.textMessage(`psid${i}`, `mid${i}`, i % 2 ? 'hoc phi bao nhieu' : 'mai an gi', new Date(now).toISOString()));
    return { raw, sig: fx.sign(raw), psid: `psid${i}` };
  });
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: { total: TOTAL, concurrency: CONCURRENCY, bodies } });
  const ask = <T>(msg: object) => new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage(msg);
  });
  const { graphUrl } = await new Promise<{ graphUrl: string }>((resolve) => worker.once('message', resolve));

  // The baseline: express reading a raw body and answering 200, nothing else.
  const bare = express();
  bare.post('/webhooks/facebook', express.raw({ type: () => true }), (_req, res) => { res.status(200).send('EVENT_RECEIVED'); });
  const bareServer = await listen(bare);
  const { rate: bareRate } = await ask<{ rate: number }>({ kind: 'bare', port: (bareServer.address() as AddressInfo).port, offset: 0 });
  bareServer.close();

  const loa = await createLoa(loadConfig({
    DATA_DIR: tempDir('loa-bench-'), LOG_LEVEL: 'silent',
    FACEBOOK_VERIFY_TOKEN: fx.VERIFY_TOKEN, FACEBOOK_APP_SECRET: fx.APP_SECRET, FACEBOOK_PAGE_ACCESS_TOKEN: fx.PAGE_TOKEN, FACEBOOK_GRAPH_URL: graphUrl,
  }), { logger: silentLogger() });
  const server = await listen(loa.app);
  const memBefore = process.memoryUsage().rss;
  const elu0 = performance.eventLoopUtilization();
  const r = await ask<{ rate: number; replies: number; e2eRate: number; latencies: number[]; workerBusy: number }>({ kind: 'loa', port: (server.address() as AddressInfo).port, offset: 300 });
  const loaBusy = performance.eventLoopUtilization(elu0).utilization;

  line('bare express handler', `${Math.round(bareRate)} req/s`);
  line('signed Messenger webhook, recorded + acked', `${Math.round(r.rate)} req/s (${((r.rate / bareRate) * 100).toFixed(0)}% of bare)`, '≥ 50% of bare', r.rate >= bareRate / 2);
  line('end-to-end replies through the fake Graph', `${Math.round(r.e2eRate)} replies/s (${r.replies}/${TOTAL})`, '≥ 2000/s', r.e2eRate >= 2000);
  line('busy: Loa\'s thread / the load generator\'s', `${(loaBusy * 100).toFixed(0)} % / ${(r.workerBusy * 100).toFixed(0)} %`);
  line('end-to-end latency p50 at saturation', `${percentile(r.latencies, 50).toFixed(1)} ms`);
  line('end-to-end latency p99 at saturation', `${percentile(r.latencies, 99).toFixed(1)} ms`);
  const paced = await ask<{ replies: number; latencies: number[] }>({ kind: 'paced', port: (server.address() as AddressInfo).port, offset: 300 + TOTAL, count: PACED, rate: PACED_RATE });
  line(`latency at a steady ${PACED_RATE} messages/s, p50`, `${percentile(paced.latencies, 50).toFixed(1)} ms (${paced.replies}/${PACED} replies)`);
  line(`latency at a steady ${PACED_RATE} messages/s, p99`, `${percentile(paced.latencies, 99).toFixed(1)} ms`, '< 50 ms', percentile(paced.latencies, 99) < 50);
  line('Loa process memory (rss) after the run', `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB (was ${(memBefore / 1024 / 1024).toFixed(0)} MB)`);

  worker.postMessage({ kind: 'stop' });
  await loa.close();
  server.close();
}

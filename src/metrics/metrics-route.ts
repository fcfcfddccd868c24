// GET /metrics in Prometheus's text format, for a scraper holding METRICS_TOKEN (a bearer token);
// without METRICS_TOKEN there is no /metrics. The states kept in the store are read when scraped.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { Gauge, Registry } from 'prom-client';
import type { Store } from '../store/types.ts';
import { DELIVERY_STATUSES, OUTBOX_STATUSES } from '../store/types.ts';
import type { Pipeline } from '../core/pipeline.ts';
import { HttpError } from '../http/errors.ts';
import { collectProcessMetrics, registry } from './metrics.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function metricsRoutes(deps: { store: Store; pipeline: Pipeline; metricsToken?: string }): Router {
  const router = Router();
  if (!deps.metricsToken) return router;
  const expected = digest(deps.metricsToken);
  collectProcessMetrics();
  const { store, pipeline } = deps;
  const local = new Registry();
  new Gauge({
    name: 'loa_outbox_messages', help: 'Messages in the outbox, per state', labelNames: ['state'], registers: [local],
    async collect() {
      const counts = await store.outbox.counts();
      for (const s of OUTBOX_STATUSES) this.set({ state: s }, counts[s] ?? 0);
    },
  });
  new Gauge({
    name: 'loa_broadcast_deliveries', help: 'Deliveries of the latest 50 broadcasts, per state', labelNames: ['state'], registers: [local],
    async collect() {
      const totals = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<string, number>;
      for (const b of await store.broadcasts.list({ limit: 50 })) {
        const { byStatus } = await store.deliveries.counts(b.id);
        for (const s of DELIVERY_STATUSES) totals[s] += byStatus[s] ?? 0;
      }
      for (const s of DELIVERY_STATUSES) this.set({ state: s }, totals[s]);
    },
  });
  new Gauge({
    name: 'loa_queue_depth', help: 'Turns waiting: in memory, and recorded in the inbox but not processed (capped at 100,000)', labelNames: ['where'], registers: [local],
    async collect() {
      this.set({ where: 'memory' }, pipeline.turnsInMemory);
      this.set({ where: 'inbox' }, (await store.inbox.listPending(100_000)).length);
    },
  });
  new Gauge({
    name: 'loa_alerts_open', help: 'Alerts not acknowledged yet', registers: [local],
    async collect() {
      this.set((await store.alerts.list({ open: true, limit: 100_000 })).length);
    },
  });

  router.get('/metrics', async (req, res) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match || !timingSafeEqual(digest(match[1]), expected)) throw new HttpError(401, 'unauthorized', 'send "Authorization: Bearer <METRICS_TOKEN>"');
    const merged = Registry.merge([registry, local]);
    res.set('cache-control', 'no-store').type(merged.contentType).send(await merged.metrics());
  });
  return router;
}

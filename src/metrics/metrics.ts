// What Loa counts for Prometheus (GET /metrics, behind METRICS_TOKEN). Counters live in one
// registry for the process; what is read from the store (outbox and delivery states, the inbox
// backlog, open alerts) is gathered when scraped (see metrics-route.ts).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();

let processMetrics = false;
/** The process's own figures (memory, CPU, GC, event-loop lag): watched only when someone scrapes them. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry, prefix: 'loa_' });
}

export const messagesIn = new Counter({ name: 'loa_messages_in_total', help: 'Messages recorded in the inbox, per channel', labelNames: ['channel'], registers: [registry] });
export const messagesOut = new Counter({ name: 'loa_messages_out_total', help: 'Messages sent to a platform (or answered on the web chat), per channel and result', labelNames: ['channel', 'result'], registers: [registry] });
export const turnSeconds = new Histogram({
  name: 'loa_turn_duration_seconds', help: 'Time to answer one message (a turn), per channel', labelNames: ['channel'], registers: [registry],
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});
export const alertsRaised = new Counter({ name: 'loa_alerts_total', help: 'Alerts raised, per kind', labelNames: ['kind'], registers: [registry] });
export const rateLimitHits = new Counter({ name: 'loa_rate_limit_hits_total', help: 'Requests or events refused by a rate limit, per limit', labelNames: ['limit'], registers: [registry] });
export const failedLogins = new Counter({ name: 'loa_failed_logins_total', help: 'Refused sign-ins and tokens, per reason', labelNames: ['reason'], registers: [registry] });

/** For the console's sign-in (and the API's token check): one refused attempt. */
export function recordFailedLogin(reason: 'bad_password' | 'bad_token' | 'expired' | 'locked' | string = 'bad_token'): void {
  failedLogins.inc({ reason });
}

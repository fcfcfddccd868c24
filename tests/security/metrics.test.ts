// /metrics: Prometheus's text format behind METRICS_TOKEN: messages in and out per channel, turn
// latency, outbox and delivery states, queue depth, alerts, rate-limit hits, failed logins.
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { NO_RATE_LIMITS, startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';

const SEND = fb.SEND;
const TOKEN = 'metrics-token-0123456789';

/** The value of one sample, or null. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return null;
}

describe('/metrics', () => {
  let loa: TestLoa;
  let graph: FakePlatform | null = null;
  afterEach(async () => {
    await loa.close();
    await graph?.stop();
    graph = null;
  });

  it('does not exist without METRICS_TOKEN', async () => {
    loa = await startLoa();
    expect((await request(loa.app).get('/metrics')).status).toBe(404);
  });

  it('answers only the holder of METRICS_TOKEN, in Prometheus format, with what Loa did', async () => {
    graph = await fb.acceptingGraph();
    loa = await startLoa({
      config: testConfig({
        METRICS_TOKEN: TOKEN, ...NO_RATE_LIMITS, CHAT_RATE_PER_CONVERSATION: '4',
        ...fb.messengerEnv(graph.url),
      }),
    });
    const scrape = async () => {
      const res = await request(loa.app).get('/metrics').set('authorization', `Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      return res.text;
    };
    expect((await request(loa.app).get('/metrics')).status).toBe(401);
    expect((await request(loa.app).get('/metrics').set('authorization', 'Bearer wrong-token-wrong-token')).status).toBe(401);
    const before = await scrape();
    const value = (text: string, name: string, labels?: Record<string, string>) => sample(text, name, labels) ?? 0;

    await loa.chat('mẹ Na', 'học phí bao nhiêu');
    await loa.chat('mẹ Na', 'mai ăn gì');
    expect((await loa.chat('mẹ Na', 'mai ăn gì')).status).toBe(429); // limit: one hit
    expect((await fb.postWebhook(loa.app, fb.textMessage('7001', 'm-1', 'học phí bao nhiêu'))).status).toBe(200);
    await loa.pipeline.drain();
    await loa.alerts.raise('test_alert', 'thử');
    // A wrong password at the console's sign-in (same answer for a username that does not exist).
    expect((await request(loa.app).post('/api/auth/login').send({ username: 'nobody', password: 'sai-mat-khau' })).status).toBe(401);

    const after = await scrape();
    const delta = (name: string, labels?: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
    expect(delta('loa_messages_in_total', { channel: 'webchat' })).toBe(2);
    expect(delta('loa_messages_in_total', { channel: 'messenger' })).toBe(1);
    expect(delta('loa_messages_out_total', { channel: 'messenger', result: 'sent' })).toBeGreaterThanOrEqual(1);
    expect(delta('loa_messages_out_total', { channel: 'webchat', result: 'sent' })).toBeGreaterThanOrEqual(2);
    expect(delta('loa_turn_duration_seconds_count', { channel: 'messenger' })).toBe(1);
    expect(delta('loa_rate_limit_hits_total', { limit: 'chat_conversation' })).toBe(1);
    expect(delta('loa_alerts_total', { kind: 'test_alert' })).toBe(1);
    expect(delta('loa_failed_logins_total', { reason: 'bad_password' })).toBe(1);
    expect(sample(after, 'loa_outbox_messages', { state: 'sent' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'loa_outbox_messages', { state: 'uncertain' })).toBe(0);
    expect(sample(after, 'loa_broadcast_deliveries', { state: 'pending' })).toBe(0);
    expect(sample(after, 'loa_queue_depth', { where: 'inbox' })).toBe(0);
    expect(sample(after, 'loa_queue_depth', { where: 'memory' })).toBe(0);
    expect(sample(after, 'loa_alerts_open')).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^loa_process_resident_memory_bytes \d+/m);
  });
});

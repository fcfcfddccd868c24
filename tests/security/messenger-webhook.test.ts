// Finding 12: a SHA-1-only Messenger signature was still accepted; Messenger events without a
// timestamp counted as fresh.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';

const SEND = fb.SEND;

describe('Messenger webhook hardening', () => {
  let graph: FakePlatform;
  let loa: TestLoa;
  beforeEach(async () => {
    graph = await fb.acceptingGraph();
    loa = await startLoa({
      config: testConfig({ ...fb.messengerEnv(graph.url) }),
    });
  });
  afterEach(async () => {
    await loa.close();
    await graph.stop();
  });
  const sha1 = (raw: string) => `sha1=${createHmac('sha1', fb.APP_SECRET).update(raw).digest('hex')}`;
  const post = (raw: string, headers: Record<string, string>) => {
    const req = request(loa.app).post('/webhooks/facebook').set('content-type', 'application/json');
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.send(raw);
  };

  it('accepts only X-Hub-Signature-256: a SHA-1 signature alone, or beside a wrong SHA-256, is refused', async () => {
    const raw = JSON.stringify(fb.textMessage('7001', 'm_sha1', 'xin chào'));
    expect((await post(raw, { 'x-hub-signature': sha1(raw) })).status).toBe(401);
    expect((await post(raw, { 'x-hub-signature': sha1(raw), 'x-hub-signature-256': 'sha256=00' })).status).toBe(401);
    expect(await loa.store.inbox.listPending()).toHaveLength(0);
    expect((await post(raw, { 'x-hub-signature-256': fb.sign(raw) })).status).toBe(200);
  });

  it('judges an event without a timestamp by the time its batch was sent, else by its arrival', async () => {
    const old = { object: 'page', entry: [{ id: fb.PAGE_ID, time: Date.parse('2026-11-24T02:00:00Z'), messaging: [{ sender: { id: '7002' }, recipient: { id: fb.PAGE_ID }, message: { mid: 'm_old', text: 'học phí bao nhiêu' } }] }] };
    expect((await fb.postWebhook(loa.app, old)).status).toBe(200);
    await loa.pipeline.drain();
    expect(graph.to(SEND)).toHaveLength(0); // two days old: acknowledged, not answered
    expect(await loa.store.contacts.findByRef({ channel: 'messenger', accountId: fb.PAGE_ID, userId: '7002', threadId: '7002', threadType: 'user' })).toBeNull();

    const bare = { object: 'page', entry: [{ id: fb.PAGE_ID, messaging: [{ sender: { id: '7003' }, recipient: { id: fb.PAGE_ID }, message: { mid: 'm_bare', text: 'học phí bao nhiêu' } }] }] };
    expect((await fb.postWebhook(loa.app, bare)).status).toBe(200);
    await loa.pipeline.drain();
    const contact = await loa.store.contacts.findByRef({ channel: 'messenger', accountId: fb.PAGE_ID, userId: '7003', threadId: '7003', threadType: 'user' });
    expect(contact?.lastInboundAt).toBe('2026-11-26T02:00:00.000Z'); // the arrival, on Loa's clock
  });
});

// The Messenger channel end to end: signed webhooks through supertest, replies at a fake Graph
// API server on 127.0.0.1.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform, eventually } from '../fakes/fake-platform.ts';
import * as fx from '../fakes/messenger-fixtures.ts';

const SEND_PATH = '/v21.0/me/messages';

describe('Messenger channel', () => {
  let graph: FakePlatform;
  let loa: TestLoa;
  let sent = 0;

  beforeEach(async () => {
    sent = 0;
    graph = await new FakePlatform().on(SEND_PATH, () => ({ body: { recipient_id: 'x', message_id: `mid.out.${++sent}` } })).start();
    loa = await startLoa({
      config: testConfig({
        ...fx.messengerEnv(graph.url),
      }),
      outbox: { random: () => 0.5 },
    });
  });
  afterEach(async () => {
    await loa.close();
    await graph.stop();
  });

  const post = (payload: object | string, signature?: string | null) => fx.postWebhook(loa.app, payload, signature);
  const replies = () => graph.to(SEND_PATH).map((r) => r.body);

  it('answers Meta\'s verification challenge only with the right token', async () => {
    const ok = await request(loa.app).get('/webhooks/facebook').query({ 'hub.mode': 'subscribe', 'hub.verify_token': fx.VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('1158201444');
    const wrong = await request(loa.app).get('/webhooks/facebook').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('forbidden');
  });

  it('acknowledges a signed message and replies through the Send API', async () => {
    const res = await post(fx.textMessage('7001', 'm_1', 'hoc phi bao nhieu'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('EVENT_RECEIVED');
    await eventually(() => replies().length === 1);
    const [call] = graph.to(SEND_PATH);
    expect(call.headers.authorization).toBe(`Bearer ${fx.PAGE_TOKEN}`);
    expect(call.query.has('access_token')).toBe(false); // never in the URL
    expect(call.body).toMatchObject({ recipient: { id: '7001' }, messaging_type: 'RESPONSE' });
    expect(call.body.message.text).toContain('Học phí: miễn');
    for (const q of call.body.message.quick_replies) {
      expect(q.content_type).toBe('text');
      expect(q.title.length).toBeLessThanOrEqual(20);
    }
    await eventually(async () => (await loa.store.outbox.counts()).sent === 1);
  });

  it('answers quick replies and postbacks', async () => {
    await post(fx.quickReply('7001', 'm_q', 'intent:pickup_hours', 'Giờ đưa đón'));
    await post(fx.postback('7002', 'm_p', 'intent:contact'));
    await eventually(() => replies().length === 2);
    const texts = Object.fromEntries(replies().map((b) => [b.recipient.id, b.message.text]));
    expect(texts['7001']).toContain('16:30–17:15');
    expect(texts['7002']).toContain('0229 3000 000');
  });

  it('answers a message delivered twice only once', async () => {
    const body = fx.textMessage('7001', 'm_dup', 'xin chào');
    await post(body);
    await post(body);
    await eventually(() => replies().length >= 1);
    await loa.pipeline.drain();
    expect(replies()).toHaveLength(1);
  });

  it('handles several entries and messages in one POST', async () => {
    const a = fx.textMessage('7001', 'm_a', 'xin chào');
    const b = fx.textMessage('7002', 'm_b', 'hello');
    const both = { object: 'page', entry: [...a.entry, ...b.entry] };
    await post(both);
    await eventually(() => replies().length === 2);
  });

  it('ignores echoes, deliveries and reads', async () => {
    for (const body of [fx.echo('m_echo'), fx.delivery(), fx.read()]) expect((await post(body)).status).toBe(200);
    await loa.pipeline.drain();
    expect(replies()).toHaveLength(0);
    expect(await loa.store.transcript.list()).toHaveLength(0);
  });

  it('refuses a wrong or missing signature with 401 and records nothing', async () => {
    const raw = JSON.stringify(fx.textMessage('7001', 'm_bad', 'xin chào'));
    expect((await post(raw, fx.sign(raw, 'another-secret'))).status).toBe(401);
    expect((await post(raw, null)).status).toBe(401);
    expect((await post(raw, 'sha256=')).status).toBe(401);
    const tampered = await post(raw.replace('xin chào', 'xin chao'), fx.sign(raw));
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.code).toBe('bad_signature');
    expect(await loa.store.inbox.listPending()).toEqual([]);
    expect(await loa.store.contacts.list()).toEqual([]);
  });

  it('refuses the older X-Hub-Signature (sha1) alone', async () => {
    const raw = JSON.stringify(fx.textMessage('7001', 'm_sha1', 'xin chào'));
    const sha1 = `sha1=${createHmac('sha1', fx.APP_SECRET).update(raw).digest('hex')}`;
    const res = await request(loa.app).post('/webhooks/facebook').set('content-type', 'application/json').set('x-hub-signature', sha1).send(raw);
    expect(res.status).toBe(401);
  });

  it('answers bad bodies clearly and never crashes', async () => {
    expect((await post('{not json')).status).toBe(400);
    const wrongShape = await post({ hello: 'world' });
    expect(wrongShape.status).toBe(200); // signed by Meta: acknowledge, or it retries forever
    expect((await post({ object: 'page', entry: [{ id: fx.PAGE_ID, messaging: [{ weird: true }] }] })).status).toBe(200);
    const huge = await post(JSON.stringify({ object: 'page', pad: 'x'.repeat(5 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect((await request(loa.app).get('/healthz')).status).toBe(200);
  });

  it('does not answer an old event replayed a day later', async () => {
    await post(fx.textMessage('7001', 'm_old', 'xin chào', '2026-11-24T02:00:00Z'));
    await loa.pipeline.drain();
    expect(replies()).toHaveLength(0);
  });

  it('retries a rate-limited send with back-off, then sends it', async () => {
    graph.queue(SEND_PATH, { status: 400, body: { error: { code: 613, message: 'Calls to this api have exceeded the rate limit.' } } });
    await post(fx.textMessage('7001', 'm_rl', 'xin chào'));
    await eventually(() => graph.to(SEND_PATH).length === 1);
    await loa.pipeline.drain();
    const [pending] = await loa.store.outbox.list({ status: 'pending' });
    expect(pending.lastError).toMatch(/rate_limited/);
    await loa.outbox.flushDue(); // not due yet: nothing happens
    expect(graph.to(SEND_PATH)).toHaveLength(1);
    loa.clockAt(new Date(Date.parse('2026-11-26T02:00:00Z') + 60_000));
    await loa.outbox.flushDue();
    expect(graph.to(SEND_PATH)).toHaveLength(2);
    expect((await loa.store.outbox.list({ status: 'sent' }))[0]).toMatchObject({ attempts: 2, platformMessageId: 'mid.out.1' });
  });

  it('retries 5xx and temporary errors, and gives up after a bounded number of tries', async () => {
    graph.on(SEND_PATH, { status: 500, body: { error: { code: 1200, message: 'Temporary send message failure' } } });
    await post(fx.textMessage('7001', 'm_tmp', 'xin chào'));
    await eventually(() => graph.to(SEND_PATH).length === 1);
    await loa.pipeline.drain();
    for (let minute = 1; minute <= 30; minute++) {
      loa.clockAt(new Date(Date.parse('2026-11-26T02:00:00Z') + minute * 60_000));
      await loa.outbox.flushDue();
    }
    expect(graph.to(SEND_PATH)).toHaveLength(5);
    const [failed] = await loa.store.outbox.list({ status: 'failed' });
    expect(failed.lastError).toMatch(/^gave up after 5 attempts: temporary/);
  });

  it('keeps a reply while the Graph server cannot be reached, and sends it once it is back', async () => {
    const port = Number(new URL(graph.url).port);
    await graph.stop();
    await post(fx.textMessage('7001', 'm_down', 'học phí bao nhiêu')).expect(200);
    await loa.pipeline.drain();
    const [pending] = await loa.store.outbox.list({ status: 'pending' });
    expect(pending.lastError).toMatch(/^network: /);
    await graph.start(port);
    loa.clockAt(new Date(Date.parse('2026-11-26T02:00:00Z') + 60_000));
    await loa.outbox.flushDue();
    expect(replies()).toEqual([expect.objectContaining({ recipient: { id: '7001' }, messaging_type: 'RESPONSE' })]);
    expect(await loa.store.outbox.list({ status: 'sent' })).toHaveLength(1);
  });

  it('records permanent failures with the platform\'s reason and does not retry', async () => {
    graph.queue(SEND_PATH, { status: 400, body: { error: { code: 10, error_subcode: 2018278, message: 'outside of allowed window' } } });
    graph.queue(SEND_PATH, { status: 400, body: { error: { code: 551, message: 'This person isn\'t available right now.' } } });
    await post(fx.textMessage('7001', 'm_w', 'xin chào'));
    await post(fx.textMessage('7002', 'm_u', 'xin chào'));
    await eventually(async () => (await loa.store.outbox.counts()).failed === 2);
    const reasons = (await loa.store.outbox.list({ status: 'failed' })).map((i) => i.lastError).sort();
    expect(reasons).toEqual(['outside_window', 'person_unavailable']);
    loa.clockAt('2026-11-26T05:00:00Z');
    await loa.outbox.flushDue();
    expect(graph.to(SEND_PATH)).toHaveLength(2);
  });

  it('pauses the channel and alerts admins when the token is refused', async () => {
    graph.queue(SEND_PATH, { status: 400, body: { error: { code: 190, message: 'Error validating access token' } } });
    await post(fx.textMessage('7001', 'm_t1', 'xin chào'));
    await eventually(async () => (await loa.store.alerts.list()).length === 1);
    const [alert] = await loa.store.alerts.list();
    expect(alert.kind).toBe('messenger_token');
    expect(alert.message).toContain('FACEBOOK_PAGE_ACCESS_TOKEN');
    expect(alert.message).toMatch(/^Messenger: mã truy cập của trang bị từ chối.* \/ Messenger: the page access token was refused/); // the principal reads Vietnamese
    expect(alert.message).not.toContain(fx.PAGE_TOKEN);
    await post(fx.textMessage('7001', 'm_t2', 'hello'));
    await loa.pipeline.drain();
    expect(graph.to(SEND_PATH)).toHaveLength(1); // paused: nothing more is sent
    const status = await loa.admin().get('/api/admin/channels');
    expect(status.body.channels.messenger.paused).toMatch(/token/);
    await loa.admin().post('/api/admin/channels/messenger/resume');
    await post(fx.textMessage('7001', 'm_t3', 'xin chào'));
    await eventually(() => graph.to(SEND_PATH).length === 2);
  });

  it('splits a long answer at sentence boundaries, quick replies on the last part', async () => {
    const parts = loa.channels.messenger!.prepare({ type: 'text', text: `${'Câu một dài. '.repeat(200)}Kết thúc.`, quickReplies: [{ title: 'Học phí, tiền ăn và các khoản khác', payload: 'intent:fees' }] });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.type === 'text' && p.text.length).toBeLessThanOrEqual(2000);
      if (p.type === 'text') expect(p.text.endsWith('.')).toBe(true);
    }
    expect(parts.slice(0, -1).every((p) => p.type === 'text' && !p.quickReplies)).toBe(true);
    expect(parts.at(-1)).toMatchObject({ quickReplies: [{ payload: 'intent:fees' }] });
  });

  it('sends proactive messages only inside the 24-hour window', async () => {
    await post(fx.textMessage('7001', 'm_win', 'xin chào'));
    await eventually(() => replies().length === 1);
    const ref = { channel: 'messenger' as const, accountId: fx.PAGE_ID, userId: '7001', threadId: '7001', threadType: 'user' as const };
    loa.clockAt('2026-11-26T20:00:00Z');
    await loa.outbox.sendProactive(ref, [{ type: 'text', text: 'Nhắc lịch họp phụ huynh' }]);
    expect(replies()[1]).toMatchObject({ messaging_type: 'UPDATE' });
    loa.clockAt('2026-11-27T03:00:00Z');
    await loa.outbox.sendProactive(ref, [{ type: 'text', text: 'Quá hạn cửa sổ' }]);
    expect(replies()).toHaveLength(2);
    expect((await loa.store.outbox.list({ status: 'failed' }))[0].lastError).toBe('outside_window');
  });
});

describe('a channel that is not configured', () => {
  it('is simply off', async () => {
    const loa = await startLoa();
    expect((await request(loa.app).post('/webhooks/facebook').send({})).status).toBe(404);
    expect((await loa.admin().get('/api/admin/channels')).body.channels.messenger).toEqual({ on: false });
    await loa.close();
  });
});

describe('staff answering a parent themselves', () => {
  it('sends on Messenger with RESPONSE-window rules, HUMAN_AGENT up to 7 days, and refuses later', async () => {
    const graph = await new FakePlatform().on(SEND_PATH, () => ({ body: { recipient_id: 'x', message_id: 'm' } })).start();
    const loa = await startLoa({ config: testConfig({ ...fx.messengerEnv(graph.url) }) });
    await fx.postWebhook(loa.app, fx.textMessage('7001', 'm_h', 'cho tôi gặp người thật'));
    await loa.pipeline.drain();
    const [contact] = (await loa.admin().get('/api/admin/contacts?q=')).body.contacts;
    const transcript = (await loa.admin().get(`/api/admin/contacts/${contact.id}/transcript`)).body.turns;
    expect(transcript[0]).toMatchObject({ text: 'cho tôi gặp người thật', intent: 'human_agent' });

    expect((await loa.admin().post(`/api/admin/contacts/${contact.id}/messages`).send({ text: 'Chào chị, cô Hòa đây ạ.' })).body.status).toBe('sent');
    expect(graph.to(SEND_PATH).at(-1)!.body).toMatchObject({ messaging_type: 'UPDATE', message: { text: 'Chào chị, cô Hòa đây ạ.' } });
    loa.clockAt('2026-11-29T02:00:00Z'); // three days later: only a human may still write, with the tag
    expect((await loa.admin().post(`/api/admin/contacts/${contact.id}/messages`).send({ text: 'Cô gọi lại chị nhé.' })).status).toBe(200);
    expect(graph.to(SEND_PATH).at(-1)!.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    loa.clockAt('2026-12-05T02:00:00Z'); // past seven days
    const late = await loa.admin().post(`/api/admin/contacts/${contact.id}/messages`).send({ text: 'x' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe('not sent: outside_window');
    expect((await loa.admin().get(`/api/admin/audit?action=contact.message`)).body.entries).toHaveLength(3);
    await loa.close();
    await graph.stop();
  });
});

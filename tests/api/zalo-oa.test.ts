// The Zalo OA channel end to end: signed webhooks through supertest, replies and token refresh
// at fake Zalo API and OAuth servers on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform, eventually } from '../fakes/fake-platform.ts';
import * as fx from '../fakes/zalo-oa-fixtures.ts';

const CS = '/v3.0/oa/message/cs';
const OAUTH = '/v4/oa/access_token';

describe('Zalo OA channel', () => {
  let zalo: FakePlatform;
  let oauth: FakePlatform;
  let loa: TestLoa;
  let n = 0;

  beforeEach(async () => {
    n = 0;
    zalo = await new FakePlatform().on(CS, (r) => ({ body: { error: 0, message: 'Success', data: { message_id: `out${++n}`, user_id: r.body.recipient.user_id } } })).start();
    oauth = await new FakePlatform().on(OAUTH, () => ({ body: { access_token: 'access-2', refresh_token: 'refresh-2', expires_in: '90000' } })).start();
    loa = await startLoa({
      config: testConfig({
        ZALO_APP_ID: fx.APP_ID, ZALO_APP_SECRET: fx.APP_SECRET, ZALO_OA_SECRET_KEY: fx.OA_SECRET_KEY,
        ZALO_OA_ACCESS_TOKEN: 'access-1', ZALO_OA_REFRESH_TOKEN: 'refresh-1', ZALO_OA_API_URL: zalo.url, ZALO_OAUTH_URL: oauth.url,
      }),
    });
  });
  afterEach(async () => {
    await loa.close();
    await zalo.stop();
    await oauth.stop();
  });

  const post = (payload: object | string, signature?: string | null) => fx.postWebhook(loa.app, payload, signature);
  const texts = () => zalo.to(CS).map((r) => r.body.message.text as string);

  it('replies to a signed text message as a consultation message, ids kept exact', async () => {
    const res = await post(fx.userText('msg1', 'mấy giờ đón con'));
    expect(res.status).toBe(200);
    await eventually(() => zalo.to(CS).length === 1);
    const [call] = zalo.to(CS);
    expect(call.headers.access_token).toBe('access-1');
    expect(call.headers.authorization).toBeUndefined();
    expect(call.rawBody).toContain(`"user_id":"${fx.USER}"`);
    expect(call.body.message.text).toContain('16:30–17:15');
    // Quick replies have no buttons here: they arrive as numbered options.
    expect(call.body.message.text).toMatch(/\n1\. Một ngày ở trường/);
    const [contact] = await loa.store.contacts.list({ channel: 'zalo_oa' });
    expect(contact.ref).toMatchObject({ userId: fx.USER, accountId: fx.OA_ID });
  });

  it('answers a message delivered twice once', async () => {
    await post(fx.userText('dup', 'xin chào'));
    await post(fx.userText('dup', 'xin chào'));
    await eventually(() => zalo.to(CS).length >= 1);
    await loa.pipeline.drain();
    expect(zalo.to(CS)).toHaveLength(1);
  });

  it('refuses a wrong mac with 401 and records nothing', async () => {
    const raw = JSON.stringify(fx.userText('bad', 'xin chào'));
    expect((await post(raw, fx.sign(raw, 'wrong-key'))).status).toBe(401);
    expect((await post(raw, null)).status).toBe(401);
    expect((await post(raw.replace('xin chào', 'tạm biệt'), fx.sign(raw))).status).toBe(401);
    const otherApp = JSON.stringify({ ...fx.userText('bad2', 'hi'), app_id: '1' });
    expect((await post(otherApp, fx.sign(otherApp))).status).toBe(401);
    expect(await loa.store.contacts.list()).toEqual([]);
  });

  it('answers images politely, greets followers, ignores echoes and unknown events', async () => {
    await post(fx.userImage('img1'));
    await post(fx.follow('follow', '100000000000000001'));
    await post(fx.oaEcho('echo1'));
    await post({ app_id: fx.APP_ID, event_name: 'user_seen_message', timestamp: '1', sender: { id: fx.USER }, recipient: { id: fx.OA_ID } });
    await post(fx.follow('unfollow', '100000000000000002'));
    await eventually(() => zalo.to(CS).length === 2);
    await loa.pipeline.drain();
    const byUser = Object.fromEntries(zalo.to(CS).map((r) => [r.body.recipient.user_id, r.body.message.text]));
    expect(byUser[fx.USER]).toMatch(/chỉ đọc được tin nhắn chữ|mới đọc được tin nhắn chữ/);
    expect(byUser['100000000000000001']).toMatch(/^Cảm ơn bố mẹ đã quan tâm .*chọn lớp của con/s);
    expect(byUser['100000000000000001']).toMatch(/\n1\. Xong\n2\. Nhà trẻ D1/);
    expect(byUser['100000000000000002']).toBeUndefined();
    // A follow subscribes to the whole school, with its consent recorded.
    const [sub] = await loa.store.subscriptions.list({ groupId: 'school' });
    expect(sub).toMatchObject({ source: 'follow', channel: 'zalo_oa', consentedAt: '2026-11-26T02:00:00.000Z' });
  });

  it('acknowledges bodies of the wrong shape and refuses huge ones', async () => {
    expect((await post({ app_id: fx.APP_ID, timestamp: '1' })).status).toBe(200);
    expect((await post({ app_id: fx.APP_ID, event_name: 'user_send_text', timestamp: '1' })).status).toBe(200);
    expect((await post(JSON.stringify({ app_id: fx.APP_ID, pad: 'x'.repeat(5 * 1024 * 1024) }))).status).toBe(413);
    expect(await loa.store.inbox.listPending()).toEqual([]);
    await loa.pipeline.drain();
    expect(await loa.store.contacts.list()).toEqual([]); // nothing was recorded, not merely processed
    expect(zalo.to(CS)).toEqual([]);
  });

  it('defers a message refused at night (-234) to 06:00 instead of dropping it', async () => {
    zalo.queue(CS, { body: { error: -234, message: 'Cannot send message at night' } });
    loa.clockAt('2026-11-26T16:30:00Z'); // 23:30 in Hanoi
    await post(fx.userText('night', 'xin chào', fx.USER, '2026-11-26T16:29:59Z'));
    await eventually(() => zalo.to(CS).length === 1);
    await loa.pipeline.drain();
    const [deferred] = await loa.store.outbox.list({ status: 'pending' });
    expect(deferred.nextAttemptAt).toBe('2026-11-26T23:00:00.000Z'); // 06:00 in Hanoi
    loa.clockAt('2026-11-26T22:59:00Z');
    await loa.outbox.flushDue();
    expect(zalo.to(CS)).toHaveLength(1);
    loa.clockAt('2026-11-26T23:00:00Z');
    await loa.outbox.flushDue();
    expect(zalo.to(CS)).toHaveLength(2);
    expect((await loa.store.outbox.counts()).sent).toBe(1);
  });

  it('refreshes an expired token (-216), persists the new pair first, and retries once', async () => {
    zalo.queue(CS, { body: { error: -216, message: 'Access token is invalid' } });
    await post(fx.userText('tok', 'xin chào'));
    await eventually(() => zalo.to(CS).length === 2);
    const [refreshCall] = oauth.to(OAUTH);
    expect(refreshCall.headers.secret_key).toBe(fx.APP_SECRET);
    expect(refreshCall.body).toEqual({ refresh_token: 'refresh-1', app_id: fx.APP_ID, grant_type: 'refresh_token' });
    expect(zalo.to(CS)[1].headers.access_token).toBe('access-2');
    const stored = await loa.store.documents.get<{ accessToken: string; refreshToken: string }>('channel_state', 'zalo_oa_tokens');
    expect(stored).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
    await eventually(async () => (await loa.store.outbox.counts()).sent === 1);
  });

  it('refreshes before expiry from the job, once even when asked twice at the same time', async () => {
    const tokens = loa.channels.zaloOa!.tokens;
    expect(await tokens.refreshIfDue()).toBe(false); // seeded: two hours of margin
    loa.clockAt('2026-11-26T03:30:00Z');
    const [a, b] = await Promise.all([tokens.refresh('access-1'), tokens.refresh('access-1')]);
    expect(a).toEqual(b);
    expect(oauth.to(OAUTH)).toHaveLength(1);
    // The stored pair now expires 25 hours later; the job leaves it alone until the last hour.
    expect(await tokens.refreshIfDue()).toBe(false);
    loa.clockAt('2026-11-27T03:45:00Z'); // 45 minutes left
    oauth.queue(OAUTH, { body: { access_token: 'access-3', refresh_token: 'refresh-3', expires_in: '90000' } });
    expect(await tokens.refreshIfDue()).toBe(true);
    expect(oauth.to(OAUTH)[1].body.refresh_token).toBe('refresh-2');
  });

  it('alerts admins with what to do when the refresh is refused', async () => {
    oauth.on(OAUTH, { status: 400, body: { error: -14014, error_name: 'Invalid refresh token', error_description: 'refresh token is invalid' } });
    zalo.queue(CS, { body: { error: -220, message: 'Access token has expired' } });
    await post(fx.userText('tok2', 'xin chào'));
    await eventually(async () => (await loa.store.alerts.list()).length === 1);
    const [alert] = await loa.store.alerts.list();
    expect(alert.kind).toBe('zalo_oa_token');
    expect(alert.message).toContain('re-authorise the OA');
    expect(alert.message).toMatch(/^Zalo OA: không làm mới được mã truy cập/);
    expect(alert.message).not.toContain('refresh-1');
    await loa.pipeline.drain();
    expect((await loa.store.outbox.list({ status: 'pending' }))[0].lastError).toMatch(/token refresh failed/);
  });

  it('records permanent errors and retries rate limits', async () => {
    zalo.queue(CS, { body: { error: -213, message: 'User has not followed OA' } }, { body: { error: -32, message: 'rate limit' } });
    await post(fx.userText('p1', 'xin chào', '100000000000000011'));
    await post(fx.userText('p2', 'xin chào', '100000000000000012'));
    await eventually(() => zalo.to(CS).length === 2);
    await loa.pipeline.drain();
    expect((await loa.store.outbox.list({ status: 'failed' }))[0].lastError).toBe('not_a_follower');
    expect((await loa.store.outbox.list({ status: 'pending' }))[0].lastError).toMatch(/rate_limited/);
    loa.clockAt('2026-11-26T02:05:00Z');
    await loa.outbox.flushDue();
    expect((await loa.store.outbox.counts()).sent).toBe(1);
  });

  it('sends proactive messages only within 7 days of the person\'s last message', async () => {
    await post(fx.userText('w1', 'xin chào'));
    await eventually(() => zalo.to(CS).length === 1);
    const ref = { channel: 'zalo_oa' as const, accountId: fx.OA_ID, userId: fx.USER, threadId: fx.USER, threadType: 'user' as const };
    loa.clockAt('2026-12-02T02:00:00Z');
    await loa.outbox.sendProactive(ref, [{ type: 'text', text: 'Thông báo' }]);
    expect(zalo.to(CS)).toHaveLength(2);
    loa.clockAt('2026-12-04T02:00:00Z');
    await loa.outbox.sendProactive(ref, [{ type: 'text', text: 'Quá 7 ngày' }]);
    expect(zalo.to(CS)).toHaveLength(2);
    expect((await loa.store.outbox.list({ status: 'failed' }))[0].lastError).toBe('outside_window');
  });
});

// Finding 3: one client sent 2,715 web-chat messages a second, each leaving inbox, transcript,
// contact and session rows; 610 fake urgent complaints raised 611 alerts, and 208 of them reached
// the principal's Messenger in 2 s, where a real emergency would drown.
import { userWithToken } from '../api/console-helpers.ts';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { NO_RATE_LIMITS, startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';

const SEND = fb.SEND;

describe('rate limits', () => {
  let loa: TestLoa;
  let graph: FakePlatform | null = null;
  afterEach(async () => {
    await loa.close();
    await graph?.stop();
    graph = null;
  });
  const limits = (env: Record<string, string>) => testConfig({ ...Object.fromEntries(Object.keys(NO_RATE_LIMITS).map((k) => [k, ''])), ...env });
  // A visitor is a browser: the server issues its identity (a cookie), whatever `user` the body says.
  let browsers = new Map<string, ReturnType<typeof request.agent>>();
  const browser = (name: string) => {
    if (!browsers.has(name)) browsers.set(name, request.agent(loa.app));
    return browsers.get(name)!;
  };
  const chat = (ip: string, visitor: string, text: string, body: Record<string, string> = {}) => browser(visitor).post('/api/chat').set('x-forwarded-for', ip).send({ text, ...body });
  /** A browser that never keeps its cookie: a new visitor identity every time. */
  const stranger = (ip: string, user: string) => request(loa.app).post('/api/chat').set('x-forwarded-for', ip).send({ user, text: 'xin chào' });
  const inboxRows = async () => (await loa.store.transcript.list({ limit: 100_000 })).length;
  const start = async (env: Record<string, string>) => {
    loa = await startLoa({ config: limits(env) });
    browsers = new Map();
  };

  it('answers a conversation over its limit with a 429 in its language, and keeps nothing of it', async () => {
    await start({ CHAT_RATE_PER_CONVERSATION: '20' }); // 10 at once, then one every 3 s
    for (let i = 0; i < 10; i++) expect((await chat('198.51.100.1', 'mẹ Na', 'học phí bao nhiêu')).status).toBe(200);
    const turns = await inboxRows();
    const limited = await chat('198.51.100.1', 'mẹ Na', 'học phí bao nhiêu');
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/nhanh quá/);
    expect(Number(limited.headers['retry-after'])).toBe(3);
    // A `user` of the caller's choosing is not another conversation (only a CHAT_API_KEY holder chooses it).
    expect((await chat('198.51.100.1', 'mẹ Na', 'học phí bao nhiêu', { user: 'người khác' })).status).toBe(429);
    // The page's own requests count too: its history and its live stream.
    expect((await browser('mẹ Na').get('/api/chat/history').set('x-forwarded-for', '198.51.100.1')).status).toBe(429);
    expect(await inboxRows()).toBe(turns);
    // An English speaker is refused in English.
    for (let i = 0; i < 10; i++) await chat('198.51.100.2', 'dad', 'how much are the fees?');
    expect((await chat('198.51.100.2', 'dad', 'how much are the fees?')).body.error.message).toMatch(/too fast/);
    // Others are not limited, and the limit refills with time.
    expect((await chat('198.51.100.1', 'bố Bin', 'học phí bao nhiêu')).status).toBe(200);
    loa.clockAt('2026-11-26T02:01:00Z');
    expect((await chat('198.51.100.1', 'mẹ Na', 'học phí bao nhiêu')).status).toBe(200);
  });

  it('limits an address whatever visitor identities it makes up, and caps the new conversations it starts', async () => {
    await start({ CHAT_RATE_PER_IP: '10', NEW_CONTACTS_PER_IP_PER_HOUR: '100' }); // 5 at once
    for (let i = 0; i < 5; i++) expect((await stranger('203.0.113.5', `u${i}`)).status).toBe(200);
    expect((await stranger('203.0.113.5', 'u-new')).status).toBe(429);
    expect((await stranger('203.0.113.6', 'u-new')).status).toBe(200);
    await loa.close();

    await start({ NEW_CONTACTS_PER_IP_PER_HOUR: '3' });
    expect((await chat('203.0.113.7', 'v0', 'xin chào')).status).toBe(200);
    for (let i = 1; i < 3; i++) expect((await stranger('203.0.113.7', `v${i}`)).status).toBe(200);
    const fourth = await stranger('203.0.113.7', 'v3');
    expect(fourth.status).toBe(429);
    const contacts = await loa.store.contacts.list();
    expect(contacts).toHaveLength(3);
    expect(contacts.map((c) => c.ref.userId)).not.toContain('v3'); // the body's user is not an identity
    expect(await inboxRows()).toBe(3);
    expect((await chat('203.0.113.7', 'v0', 'học phí bao nhiêu')).status).toBe(200); // someone already chatting goes on
    expect((await stranger('203.0.113.8', 'v4')).status).toBe(200); // another address is not capped
  });

  it("limits what the webhooks hand over per conversation, and per address", async () => {
    graph = await fb.acceptingGraph();
    const channel = { ...fb.messengerEnv(graph.url) };
    loa = await startLoa({ config: limits({ ...channel, WEBHOOK_RATE_PER_CONVERSATION: '4' }) }); // 2 at once
    for (let i = 0; i < 6; i++) expect((await fb.postWebhook(loa.app, fb.textMessage('9001', `flood-${i}`, 'xin chào'))).status).toBe(200);
    expect((await fb.postWebhook(loa.app, fb.textMessage('9002', 'calm-1', 'xin chào'))).status).toBe(200);
    await loa.pipeline.drain();
    const ids = (await loa.store.transcript.list()).map((t) => t.conversationKey.split(':').at(-1));
    expect(ids.filter((id) => id === '9001')).toHaveLength(2);
    expect(ids.filter((id) => id === '9002')).toHaveLength(1);
    await loa.close();

    loa = await startLoa({ config: limits({ ...channel, WEBHOOK_RATE_PER_IP: '2' }) }); // 1 at once
    expect((await fb.postWebhook(loa.app, fb.textMessage('9003', 'ip-1', 'xin chào'))).status).toBe(200);
    const refused = await fb.postWebhook(loa.app, fb.textMessage('9003', 'ip-2', 'xin chào'));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
  });

  it('sends urgent alerts on chat once per parent and a few a minute, the rest in a digest, and lists every one', async () => {
    graph = await fb.acceptingGraph();
    loa = await startLoa({ config: testConfig({ ...fb.messengerEnv(graph.url) }) });
    const principal = await userWithToken(loa, { name: 'Cô Hòa', role: 'principal' });
    const code = (await request(loa.app).post('/api/admin/staff/link-code').set('authorization', `Bearer ${principal.token}`).send({})).body.code;
    await fb.postWebhook(loa.app, fb.textMessage('principal-psid', 'link', code));
    await loa.pipeline.drain();
    const toPrincipal = () => graph!.to(SEND).filter((r) => r.body.recipient.id === 'principal-psid').map((r) => r.body.message.text as string).filter((t) => t.includes('⚠️'));

    for (let i = 0; i < 12; i++) {
      const res = await loa.chat(`người lạ ${i}`, 'Cháu nhà em bị cô giáo đánh chảy máu mũi ở lớp');
      expect(res.status).toBe(200);
    }
    await loa.pipeline.drain();
    const listed = (await loa.admin().get('/api/admin/alerts')).body.alerts.filter((a: { kind: string }) => a.kind === 'urgent_comment');
    expect(listed).toHaveLength(12); // none dropped from the admin API
    expect(toPrincipal()).toHaveLength(3);
    await loa.alerts.flushDigest();
    await loa.pipeline.drain();
    const sent = toPrincipal();
    expect(sent).toHaveLength(4);
    expect(sent[3]).toMatch(/9 cảnh báo nữa/);

    // The same parent again within minutes: stored and listed, not sent again.
    await loa.alerts.flushDigest();
    const before = toPrincipal().length;
    await loa.alerts.raise('urgent_comment', '⚠️ lần 1', { contactId: 'same-parent' });
    await loa.alerts.raise('urgent_comment', '⚠️ lần 2', { contactId: 'same-parent' });
    await loa.alerts.flushDigest();
    await loa.pipeline.drain();
    const later = toPrincipal().slice(before).join('\n');
    expect(later).toContain('lần 1');
    expect(later).not.toContain('lần 2');
    expect((await loa.store.alerts.list()).filter((a) => String(a.message).includes('lần'))).toHaveLength(2);
  });
});

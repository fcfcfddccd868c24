// Announcements: subscribing in the conversation, the approval workflow per role, audience
// expansion and de-duplication, delivery through fake platforms with rate limits, retries,
// permanent failures and window rules, cancellation, two dispatcher processes, and a crash.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { CHAT_API_KEY, startLoa, subscribedParent, testConfig, tempDir, type TestLoa } from '../helpers.ts';
import { FakePlatform, eventually } from '../fakes/fake-platform.ts';
import { FakeZca } from '../fakes/fake-zca.ts';
import * as fb from '../fakes/messenger-fixtures.ts';
import * as zl from '../fakes/zalo-oa-fixtures.ts';
import { TokenBucket } from '../../src/core/rate-limiter.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/types.ts';
import { userWithToken } from './console-helpers.ts';

const SEND = fb.SEND;
const CS = '/v3.0/oa/message/cs';
const NOW = '2026-11-26T02:00:00.000Z';

/** Parents who chat on Messenger and follow classes, written straight into the store. */
async function seedParents(store: Store, n: number, groups: (i: number) => string[], lastInboundAt = '2026-11-26T01:59:00.000Z') {
  for (let i = 0; i < n; i++) {
    const ref = { channel: 'messenger' as const, accountId: fb.PAGE_ID, userId: `psid${i}`, threadId: `psid${i}`, threadType: 'user' as const };
    const c = await store.contacts.touch(ref, lastInboundAt, `Phụ huynh ${i}`);
    for (const g of groups(i)) await store.subscriptions.subscribe(c.id, g, 'chat', 'messenger', NOW);
  }
  await store.flush();
}

describe('announcements', () => {
  let graph: FakePlatform;
  let zalo: FakePlatform;
  let zca: FakeZca;
  let loa: TestLoa;
  let staff: { id: string; token: string };
  let principal: { id: string; token: string };

  beforeEach(async () => {
    graph = await fb.acceptingGraph();
    zalo = await new FakePlatform().on(CS, () => ({ body: { error: 0, message: 'Success', data: { message_id: 'z' } } })).start();
    zca = new FakeZca();
    zca.groups = { '9000000000000000001': { name: 'Phụ huynh Lá A1', members: 30 } };
    loa = await startLoa({
      config: testConfig({
        ...fb.messengerEnv(graph.url),
        ZALO_APP_ID: zl.APP_ID, ZALO_APP_SECRET: zl.APP_SECRET, ZALO_OA_SECRET_KEY: zl.OA_SECRET_KEY, ZALO_OA_ACCESS_TOKEN: 'a', ZALO_OA_REFRESH_TOKEN: 'r',
        ZALO_OA_API_URL: zalo.url, ZALO_OAUTH_URL: zalo.url, ZALO_PERSONAL_ENABLED: 'true', BROADCAST_RATE_MESSENGER: '0', BROADCAST_RATE_ZALO_OA: '0',
      }),
      connectZaloPersonal: async () => zca,
      dispatcher: { rates: { zalo_personal: null } },
    });
    await loa.channels.start();
    await eventually(async () => (await loa.channels.zaloGroups.list()).length === 1);
    const mk = (name: string, role: 'staff' | 'principal') => userWithToken(loa, { name, role });
    staff = await mk('Cô Thu', 'staff');
    principal = await mk('Cô Hòa', 'principal');
  });
  afterEach(async () => {
    await loa.close();
    await graph.stop();
    await zalo.stop();
  });

  const as = (token: string) => ({
    post: (url: string) => request(loa.app).post(url).set('authorization', `Bearer ${token}`),
    put: (url: string) => request(loa.app).put(url).set('authorization', `Bearer ${token}`),
    get: (url: string) => request(loa.app).get(url).set('authorization', `Bearer ${token}`),
  });
  const draft = (body: object) => as(staff.token).post('/api/admin/broadcasts').send({ title: 'Thông báo', text: { vi: 'Kính gửi {name}: lớp {class} nghỉ học ngày 20/11.', en: 'Dear {name}: {class} is off on 20/11.' }, audience: { groups: ['la-a1'] }, ...body });
  const approved = async (body: object = {}) => {
    const id = (await draft(body)).body.id as number;
    expect((await as(staff.token).post(`/api/admin/broadcasts/${id}/submit`)).body.broadcast.status).toBe('pending_approval');
    const res = await as(principal.token).post(`/api/admin/broadcasts/${id}/approve`);
    expect(res.status).toBe(200);
    return id;
  };
  const sentTo = () => graph.to(SEND).map((r) => r.body.recipient.id as string);

  it('lets a parent follow classes and the whole school in the conversation, and leave', async () => {
    const r = await loa.chat('p', 'đăng ký nhận thông báo');
    expect(r.body.replies[0].quickReplies.map((q: { payload: string }) => q.payload)).toContain('subscribe:group:school');
    await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'p', payload: 'subscribe:group:la-a1' });
    expect(await loa.say('p', 'Chồi B1')).toMatch(/đang theo dõi: .*Chồi B1/);
    expect(await loa.say('p', 'xong')).toMatch(/Thông báo của nhà trường sẽ hiện trong khung chat này/); // what the web chat can keep
    expect(await loa.say('p', 'nhận thông báo toàn trường')).toMatch(/đã đăng ký nhận thông báo: Toàn trường/);
    expect(await loa.say('p', 'hủy nhận tin lớp lá a1')).toMatch(/không nhận thông báo Lá A1 nữa. Vẫn theo dõi:/);
    expect(await loa.say('p', 'hủy đăng ký')).toMatch(/Bố mẹ muốn dừng nhận thông báo nào/);
    expect(await loa.say('p', 'tất cả')).toMatch(/đã dừng nhận mọi thông báo/);
    await loa.say('p', 'nhận thông báo lớp mầm c1');
    expect(await loa.say('p', 'stop')).toMatch(/stopped all announcements|dừng nhận mọi thông báo/);
    const subs = await loa.store.subscriptions.list({ includeLeft: true });
    expect(subs.every((s) => s.leftAt !== null && s.channel === 'webchat' && s.source === 'chat')).toBe(true);
    expect(await loa.say('p', 'unsubscribe')).toMatch(/chưa đăng ký nhận thông báo nào|not subscribed/);
  });

  it('lets no role skip approval: staff draft and submit, only principal or admin approve', async () => {
    await subscribedParent(loa, 'la-a1');
    const id = (await draft({})).body.id;
    expect((await as(principal.token).post(`/api/admin/broadcasts/${id}/approve`)).status).toBe(409); // still a draft
    await as(staff.token).post(`/api/admin/broadcasts/${id}/submit`);
    expect((await as(staff.token).post(`/api/admin/broadcasts/${id}/approve`)).status).toBe(403);
    const rejected = await as(principal.token).post(`/api/admin/broadcasts/${id}/reject`).send({ reason: 'Sai ngày nghỉ' });
    expect(rejected.body.broadcast).toMatchObject({ status: 'rejected', rejectReason: 'Sai ngày nghỉ' });
    expect((await as(staff.token).put(`/api/admin/broadcasts/${id}`).send({ title: 'Sửa', text: { vi: 'Lớp nghỉ ngày 21/11.' }, audience: { groups: ['la-a1'] } })).body.broadcast.status).toBe('draft');
    await as(staff.token).post(`/api/admin/broadcasts/${id}/submit`);
    expect((await loa.admin().post(`/api/admin/broadcasts/${id}/approve`)).status).toBe(200); // an admin may approve too
    expect((await as(staff.token).put(`/api/admin/broadcasts/${id}`).send({ title: 'x', text: { vi: 'y' }, audience: { groups: ['la-a1'] } })).status).toBe(409);
    const audit = (await loa.admin().get(`/api/admin/audit?target=broadcast:${id}`)).body.entries.map((e: { action: string }) => e.action).reverse();
    expect(audit).toEqual(['broadcast.create', 'broadcast.submit', 'broadcast.reject', 'broadcast.edit', 'broadcast.submit', 'broadcast.approve']);
  });

  it('refuses bad broadcasts with a clear 4xx', async () => {
    const bad = async (body: object, pattern: RegExp) => {
      const res = await draft(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toMatch(pattern);
    };
    await bad({ audience: { groups: ['lop-khong-co'] } }, /unknown group "lop-khong-co"/);
    await bad({ audience: { groups: [] } }, /the audience is empty/);
    await bad({ text: { vi: '  ' } }, /text.vi is empty/);
    await bad({ cron: 'every monday' }, /cron "every monday" does not parse/);
    await bad({ sendAt: '2026-11-25T00:00:00Z' }, /in the past/);
    expect((await as(staff.token).post('/api/admin/broadcasts/999/submit')).status).toBe(404);
  });

  it('expands the audience once per recipient: two classes, the school, staff, and the class Zalo group', async () => {
    await seedParents(loa.store, 6, (i) => (i < 3 ? ['la-a1', 'la-a2'] : i < 5 ? ['la-a2'] : ['choi-b1']));
    await loa.admin().put('/api/admin/zalo/groups/9000000000000000001').send({ classId: 'la-a1' });
    const id = await approved({ audience: { groups: ['la-a1', 'la-a2'] } });
    const counts = (await loa.admin().get(`/api/admin/broadcasts/${id}`)).body.deliveries;
    expect(counts.byStatus.pending).toBe(6); // 5 parents (3 in both classes, once each) + the Zalo group
    await loa.features.dispatcher.drain();
    expect(sentTo().sort()).toEqual(['psid0', 'psid1', 'psid2', 'psid3', 'psid4']);
    expect(zca.sent).toEqual([expect.objectContaining({ threadId: '9000000000000000001', type: 1 })]);
    const toParent0 = graph.to(SEND).find((r) => r.body.recipient.id === 'psid0')!.body;
    expect(toParent0.message.text).toBe('Kính gửi Phụ huynh 0: lớp Lá A1, Lá A2 nghỉ học ngày 20/11.');
    expect(toParent0.messaging_type).toBe('UPDATE');
    const done = (await loa.admin().get(`/api/admin/broadcasts/${id}`)).body;
    expect(done.broadcast.status).toBe('sent');
    expect(done.deliveries.byChannel).toEqual({ messenger: { sent: 5 }, zalo_personal: { sent: 1 } });
  });

  it('sends to the whole school and to linked staff separately', async () => {
    await seedParents(loa.store, 3, (i) => [['la-a1'], ['school'], ['mam-c1']][i]);
    const code = (await as(staff.token).post('/api/admin/staff/link-code').send({})).body.code;
    await fb.postWebhook(loa.app, fb.textMessage('psid-staff', 'mid-staff', code));
    await loa.pipeline.drain();
    const before = graph.to(SEND).length;
    await approved({ audience: { groups: ['school'] } });
    await loa.features.dispatcher.drain();
    expect(sentTo().slice(before).sort()).toEqual(['psid0', 'psid1', 'psid2']);
    const beforeStaff = graph.to(SEND).length;
    await approved({ audience: { groups: ['staff'] }, text: { vi: 'Họp hội đồng 14h.' } });
    await loa.features.dispatcher.drain();
    expect(sentTo().at(-1)).toBe('psid-staff');
    expect(sentTo().slice(beforeStaff)).toEqual(['psid-staff']); // staff only, no parents
  });

  it('skips outside the window, retries rate limits, records permanent failures', async () => {
    await seedParents(loa.store, 3, () => ['la-a1']);
    await seedParents(loa.store, 0, () => []);
    // psid9 last wrote two days ago: outside Messenger's 24 hours.
    const old = await loa.store.contacts.touch({ channel: 'messenger', accountId: fb.PAGE_ID, userId: 'psid9', threadId: 'psid9', threadType: 'user' }, '2026-11-24T02:00:00.000Z');
    await loa.store.subscriptions.subscribe(old.id, 'la-a1', 'chat', 'messenger', NOW);
    graph.queue(SEND,
      { status: 400, body: { error: { code: 613, message: 'rate limit' } } },
      { status: 400, body: { error: { code: 551, message: 'unavailable' } } });
    const id = await approved();
    await loa.features.dispatcher.drain();
    let counts = (await loa.admin().get(`/api/admin/broadcasts/${id}`)).body.deliveries;
    expect(counts.byStatus).toMatchObject({ sent: 1, pending: 1, failed: 1, skipped: 1 });
    expect(counts.reasons).toMatchObject({ outside_window: 1, person_unavailable: 1 });
    loa.clockAt('2026-11-26T02:01:00Z'); // the back-off has passed
    await loa.features.dispatcher.drain();
    counts = (await loa.admin().get(`/api/admin/broadcasts/${id}`)).body.deliveries;
    expect(counts.byStatus).toMatchObject({ sent: 2, pending: 0 });
    const deliveries = (await loa.admin().get(`/api/admin/broadcasts/${id}/deliveries?status=sent`)).body.deliveries;
    expect(deliveries.find((d: { attempts: number }) => d.attempts === 2)).toBeTruthy();
  });

  it('defers Zalo OA deliveries at night to 06:00 and keeps to the 7-day window', async () => {
    const ref = (u: string) => ({ channel: 'zalo_oa' as const, accountId: zl.OA_ID, userId: u, threadId: u, threadType: 'user' as const });
    const recent = await loa.store.contacts.touch(ref('111'), '2026-11-25T02:00:00.000Z');
    const stale = await loa.store.contacts.touch(ref('222'), '2026-11-10T02:00:00.000Z');
    for (const c of [recent, stale]) await loa.store.subscriptions.subscribe(c.id, 'school', 'follow', 'zalo_oa', NOW);
    loa.clockAt('2026-11-26T16:00:00Z'); // 23:00 in Hanoi
    const id = await approved({ audience: { groups: ['school'] } });
    await loa.features.dispatcher.drain();
    expect(zalo.to(CS)).toHaveLength(0);
    const pending = (await loa.admin().get(`/api/admin/broadcasts/${id}/deliveries?status=pending`)).body.deliveries;
    expect(pending.map((d: { nextAttemptAt: string }) => d.nextAttemptAt)).toEqual(['2026-11-26T23:00:00.000Z', '2026-11-26T23:00:00.000Z']);
    loa.clockAt('2026-11-26T23:00:00Z');
    await loa.features.dispatcher.drain();
    expect(zalo.to(CS).map((r) => r.body.recipient.user_id)).toEqual(['111']);
    expect((await loa.admin().get(`/api/admin/broadcasts/${id}`)).body.deliveries.reasons).toEqual({ outside_window: 1 });
  });

  it('honours leaving at once, even for a broadcast already sending, and stops on cancel', async () => {
    await seedParents(loa.store, 10, () => ['la-a1']);
    const id = await approved();
    const dispatcher = loa.features.dispatcher;
    (dispatcher as unknown as { opts: { batchSize: number } }).opts.batchSize = 3;
    await dispatcher.runOnce(); // three sent
    const [next] = await loa.store.deliveries.list(id, { status: 'pending', limit: 1 });
    await loa.store.subscriptions.unsubscribe(next.contactId!, null, NOW);
    await dispatcher.runOnce(); // the leaver skipped, two more sent
    expect((await as(staff.token).post(`/api/admin/broadcasts/${id}/cancel`)).status).toBe(403); // approved: the principal's to cancel
    const cancel = await as(principal.token).post(`/api/admin/broadcasts/${id}/cancel`);
    expect(cancel.body.broadcast.status).toBe('cancelled');
    await dispatcher.drain();
    const counts = (await loa.admin().get(`/api/admin/broadcasts/${id}`)).body.deliveries.byStatus;
    expect(counts).toMatchObject({ sent: 5, skipped: 1, cancelled: 4, pending: 0 });
    expect(sentTo()).not.toContain(next.ref.userId);
    expect((await as(principal.token).post(`/api/admin/broadcasts/${id}/cancel`)).status).toBe(409);
  });

  it('sends a scheduled broadcast at its time, and a recurring weekly menu every Sunday', async () => {
    await seedParents(loa.store, 2, () => ['school']);
    const later = await approved({ sendAt: '2026-11-26T10:00:00Z', audience: { groups: ['school'] } });
    await loa.features.dispatcher.drain();
    expect(graph.to(SEND)).toHaveLength(0);
    expect((await loa.admin().get(`/api/admin/broadcasts/${later}`)).body.broadcast.status).toBe('scheduled');
    loa.clockAt('2026-11-26T10:00:30Z');
    await loa.features.dispatcher.drain();
    expect(graph.to(SEND)).toHaveLength(2);

    const menu = await approved({ audience: { groups: ['school'] }, cron: '0 18 * * 0', text: { vi: 'Thực đơn tuần tới:\n{menu_next_week}' } });
    expect((await loa.admin().get(`/api/admin/broadcasts/${menu}`)).body.broadcast.nextRunAt).toBe('2026-11-29T11:00:00.000Z'); // Sunday 18:00
    loa.clockAt('2026-11-29T11:00:10Z');
    await seedParents(loa.store, 2, () => [], '2026-11-29T09:00:00.000Z'); // they wrote this morning: inside the window
    await loa.features.dispatcher.drain();
    const text = graph.to(SEND).at(-1)!.body.message.text as string;
    expect(text).toMatch(/^Thực đơn tuần tới:\n• Thứ Hai, 30\/11: Cơm, thịt lợn kho trứng cút/);
    expect((await loa.admin().get(`/api/admin/broadcasts/${menu}`)).body.broadcast).toMatchObject({ status: 'scheduled', nextRunAt: '2026-12-06T11:00:00.000Z' });
    loa.clockAt('2026-12-06T11:00:10Z');
    await seedParents(loa.store, 2, () => [], '2026-12-06T09:00:00.000Z');
    await loa.features.dispatcher.drain();
    expect(graph.to(SEND).at(-1)!.body.message.text).toMatch(/Thứ Hai, 07\/12: Cơm, thịt gà rim nấm/);
  });

  it('streams progress as server-sent events', async () => {
    await seedParents(loa.store, 2, () => ['la-a1']);
    const id = await approved();
    await loa.features.dispatcher.drain();
    const res = await loa.admin().get(`/api/admin/broadcasts/${id}/events`);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    expect(res.text).toMatch(/event: progress\ndata: \{"status":"sent",.*"sent":2/);
    expect(res.text).toMatch(/event: end/);
  });

  it('imports a class roster, linking parents who already chat with the bot', async () => {
    await seedParents(loa.store, 3, () => []);
    const csv = 'child_name,parent_name,messenger_psid\nBông,Phụ huynh 0,\nNa,"Ai đó",psid1\nMít,Người lạ,\n';
    const res = await as(staff.token).post('/api/admin/groups/la-a1/roster').set('content-type', 'text/csv').send(csv);
    expect(res.body.linked.map((l: { parent: string; by: string }) => [l.parent, l.by])).toEqual([['Phụ huynh 0', 'name'], ['Ai đó', 'id']]);
    expect(res.body.unmatched).toEqual([{ row: 4, parent: 'Người lạ', reason: 'not chatting with the bot yet', code: 'not_chatting' }]);
    expect((await loa.admin().get('/api/admin/groups')).body.groups.find((g: { id: string }) => g.id === 'la-a1').subscribers).toBe(2);
    expect((await as(staff.token).post('/api/admin/groups/la-a1/roster').set('content-type', 'text/csv').send('a,b\n1,2')).status).toBe(400);
  });
});

describe('the token bucket behind the rate limits', () => {
  it('lets the burst through, then one per interval', () => {
    let now = 0;
    const b = new TokenBucket(2, 60, () => now); // 1 a second
    expect(b.take().ok).toBe(true);
    expect(b.take().ok).toBe(true);
    expect(b.take()).toEqual({ ok: false, waitMs: 1000 });
    now = 500;
    expect(b.take()).toEqual({ ok: false, waitMs: 500 });
    now = 1000;
    expect(b.take().ok).toBe(true);
    now = 11_000;
    let sent = 0;
    while (b.take().ok) sent++;
    expect(sent).toBe(2); // never more than the burst, however long it waited
  });
});

describe('dispatchers in separate processes', () => {
  const tsx = path.resolve('node_modules/.bin/tsx');
  const script = 'tests/fakes/dispatch-process.ts';

  async function prepare(n: number): Promise<{ dataDir: string; graph: FakePlatform; perRecipient: () => Map<string, number> }> {
    const graph = await fb.acceptingGraph();
    const dataDir = tempDir();
    const loa = await startLoa({ config: testConfig({ DATA_DIR: dataDir, APPROVAL_SELF: '1', ...fb.messengerEnv(graph.url) }) });
    await seedParents(loa.store, n, () => ['school']);
    const id = (await loa.admin().post('/api/admin/broadcasts').send({ title: 't', text: { vi: 'Thông báo' }, audience: { groups: ['school'] } })).body.id;
    await loa.admin().post(`/api/admin/broadcasts/${id}/submit`);
    await loa.admin().post(`/api/admin/broadcasts/${id}/approve`);
    await loa.close();
    const perRecipient = () => {
      const m = new Map<string, number>();
      for (const r of graph.to(SEND)) m.set(r.body.recipient.id, (m.get(r.body.recipient.id) ?? 0) + 1);
      return m;
    };
    return { dataDir, graph, perRecipient };
  }

  const finalStates = async (dataDir: string) => {
    const store = openSqliteStore(path.join(dataDir, 'loa.db'));
    const counts = await store.deliveries.counts(1);
    await store.close();
    return counts.byStatus;
  };

  it('share one store without sending anyone a message twice', async () => {
    const { dataDir, graph, perRecipient } = await prepare(120);
    const run = () => new Promise<string>((resolve, reject) => execFile(tsx, [script, dataDir, graph.url, 'drain'], (err, out) => (err ? reject(err) : resolve(out.trim()))));
    expect(await Promise.all([run(), run()])).toEqual(['done', 'done']);
    const m = perRecipient();
    expect(m.size).toBe(120);
    expect([...m.values()].every((v) => v === 1)).toBe(true);
    expect(await finalStates(dataDir)).toMatchObject({ sent: 120, pending: 0, sending: 0 });
    await graph.stop();
  });

  it('after a crash mid-broadcast, ends every delivery sent, failed, skipped or uncertain, and none twice', async () => {
    const { dataDir, graph, perRecipient } = await prepare(80);
    graph.delayMs = 40; // a slow platform, so the kill lands mid-send
    // node itself, not the tsx wrapper: SIGKILL must reach the process that sends.
    const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, graph.url, 'run'], { stdio: 'ignore' });
    await eventually(() => graph.to(SEND).length >= 20, 15_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    graph.delayMs = 0;
    await new Promise<void>((resolve, reject) => execFile(tsx, [script, dataDir, graph.url, 'drain'], (err) => (err ? reject(err) : resolve())));
    const states = await finalStates(dataDir);
    expect(states.pending + states.sending).toBe(0);
    expect(states.sent + states.failed + states.skipped + states.uncertain).toBe(80);
    expect(states.uncertain).toBeGreaterThan(0); // the ones the kill caught mid-call
    expect([...perRecipient().values()].every((v) => v === 1)).toBe(true);
    await graph.stop();
  });
});

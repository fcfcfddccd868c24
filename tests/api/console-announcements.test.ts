// What the announcements screens need beyond the workflow (tests/api/broadcasts.test.ts): the
// recipients per channel and the next send times before submitting, the message as a parent gets
// it, what changed since the principal last decided, who may decide, retrying the failed deliveries
// (never the uncertain ones), and a group's members with their names and how they joined.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';
import { userWithToken, withToken, type TestUser } from './console-helpers.ts';

const SEND = fb.SEND;
const NOW = '2026-11-26T02:00:00.000Z'; // Thursday 09:00 at the school

describe('announcements in the console', () => {
  let graph: FakePlatform;
  let loa: TestLoa;
  let staff: TestUser;
  let otherStaff: TestUser;
  let principal: TestUser;

  beforeEach(async () => {
    graph = await fb.acceptingGraph();
    loa = await startLoa({ config: testConfig({ ...fb.messengerEnv(graph.url), BROADCAST_RATE_MESSENGER: '0' }), now: new Date(NOW) });
    staff = await userWithToken(loa, { name: 'Cô Thu', role: 'staff', classIds: ['la-a1'] });
    otherStaff = await userWithToken(loa, { name: 'Cô Mai', role: 'staff', classIds: ['la-a2'] });
    principal = await userWithToken(loa, { name: 'Cô Hòa', role: 'principal' });
    // Three Messenger parents of Lá A1 (one also in Lá A2), one web-chat parent of Lá A1, one of Chồi B1.
    const parent = async (channel: 'messenger' | 'webchat', id: string, groups: string[]) => {
      const ref = { channel, accountId: channel === 'messenger' ? fb.PAGE_ID : 'web', userId: id, threadId: id, threadType: 'user' as const };
      const c = await loa.store.contacts.touch(ref, '2026-11-26T01:59:00.000Z', `Phụ huynh ${id}`);
      for (const g of groups) await loa.store.subscriptions.subscribe(c.id, g, 'chat', channel, NOW);
    };
    await parent('messenger', 'psid1', ['la-a1']);
    await parent('messenger', 'psid2', ['la-a1', 'la-a2']);
    await parent('messenger', 'psid3', ['la-a1']);
    await parent('webchat', 'web1', ['la-a1']);
    await parent('webchat', 'web2', ['choi-b1']);
    await loa.store.flush();
  });
  afterEach(async () => {
    await loa.close();
    await graph.stop();
  });

  const as = (u: TestUser) => withToken(loa, u.token);
  const announcement = { title: 'Họp phụ huynh', text: { vi: 'Kính gửi {name}: lớp {class} họp phụ huynh ngày 20/12.', en: 'Dear {name}: {class} meets on 20/12.' }, audience: { groups: ['la-a1'] } };

  it('counts the recipients per channel, once each, and says when a schedule sends next', async () => {
    const res = await as(staff).post('/api/admin/broadcasts/preview').send({ ...announcement, cron: '0 18 * * 0' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.recipients).toEqual({ total: 4, byChannel: { messenger: 3, webchat: 1 } });
    // 18:00 every Sunday at the school (UTC+7): the next three Sundays.
    expect(res.body.schedule).toEqual({ cronValid: true, next: ['2026-11-29T11:00:00.000Z', '2026-12-06T11:00:00.000Z', '2026-12-13T11:00:00.000Z'] });
    // As a parent reads it: the name is not known for a sample, the class is.
    expect(res.body.messages.vi[0]).toEqual({ type: 'text', text: 'Kính gửi Quý phụ huynh: lớp Lá A1 họp phụ huynh ngày 20/12.' });
    expect(res.body.messages.en[0].text).toBe('Dear Parents: Lá A1 meets on 20/12.');

    const school = await as(principal).post('/api/admin/broadcasts/preview').send({ audience: { groups: ['school', 'la-a2'] }, imageUrl: 'https://example.com/a.png' });
    expect(school.body.recipients).toEqual({ total: 5, byChannel: { messenger: 3, webchat: 2 } });
    expect(school.body.messages.vi).toEqual([{ type: 'text', text: '' }, { type: 'image', url: 'https://example.com/a.png' }]);
    expect(school.body.schedule).toEqual({ cronValid: null, next: [] });

    const bad = await as(principal).post('/api/admin/broadcasts/preview').send({ audience: { groups: ['la-a1'] }, cron: 'every sunday' });
    expect(bad.body.schedule).toEqual({ cronValid: false, next: [] });
    expect((await as(principal).post('/api/admin/broadcasts/preview').send({ audience: { groups: ['lop-khong-co'] } })).status).toBe(400);
    expect((await as(principal).post('/api/admin/broadcasts/preview').send({})).status).toBe(400);
    // Staff limited to a class count their class only.
    expect((await as(staff).post('/api/admin/broadcasts/preview').send({ audience: { groups: ['la-a2'] } })).status).toBe(403);
  });

  it('refuses to submit an announcement nobody would receive, saying so by its code', async () => {
    const empty = loa.school.get('classes').map((c) => c.id).find((id) => !['la-a1', 'la-a2', 'choi-b1'].includes(id))!;
    const id = (await as(principal).post('/api/admin/broadcasts').send({ ...announcement, audience: { groups: [empty] } })).body.id as number;
    const refused = await as(principal).post(`/api/admin/broadcasts/${id}/submit`);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'no_recipients']);
    expect((await as(principal).get(`/api/admin/broadcasts/${id}`)).body.broadcast.status).toBe('draft');
  });

  it('shows the principal what changed since she rejected it, and never offers staff the decision', async () => {
    const id = (await as(staff).post('/api/admin/broadcasts').send(announcement)).body.id as number;
    await as(staff).post(`/api/admin/broadcasts/${id}/submit`);
    expect((await as(staff).get(`/api/admin/broadcasts/${id}`)).body.mayDecide).toBe(false);
    const seen = await as(principal).get(`/api/admin/broadcasts/${id}`);
    expect(seen.body).toMatchObject({ mayDecide: true, names: { [staff.id]: 'Cô Thu' } });
    expect((await as(principal).get(`/api/admin/broadcasts/${id}/review`)).body).toEqual({ lastSeen: null, changed: null });
    // Her first look is remembered: nothing has changed since.
    expect((await as(principal).get(`/api/admin/broadcasts/${id}/review`)).body).toMatchObject({ lastSeen: { at: NOW, content: { text: announcement.text } }, changed: [] });
    expect((await as(staff).get(`/api/admin/broadcasts/${id}/review`)).status).toBe(403);

    await as(principal).post(`/api/admin/broadcasts/${id}/reject`).send({ reason: 'Sai ngày họp' });
    await as(staff).put(`/api/admin/broadcasts/${id}`).send({ ...announcement, text: { vi: 'Lớp {class} họp phụ huynh ngày 21/12.' } });
    await as(staff).post(`/api/admin/broadcasts/${id}/submit`);
    const review = (await as(principal).get(`/api/admin/broadcasts/${id}/review`)).body;
    expect(review.changed).toEqual(['text']);
    expect(review.lastSeen.content.text.vi).toBe(announcement.text.vi);
    // Each reviewer has her own last look: an admin who never decided sees no "before".
    expect((await loa.admin().get(`/api/admin/broadcasts/${id}/review`)).body.lastSeen).toBeNull();

    // Her own announcement is approved by someone else (no APPROVAL_SELF): no buttons for her.
    const own = (await as(principal).post('/api/admin/broadcasts').send(announcement)).body.id as number;
    await as(principal).post(`/api/admin/broadcasts/${own}/submit`);
    expect((await as(principal).get(`/api/admin/broadcasts/${own}`)).body.mayDecide).toBe(false);
    const self = await as(principal).post(`/api/admin/broadcasts/${own}/approve`);
    expect([self.status, self.body.error.code]).toEqual([403, 'self_approval']);

    // A time that passed while it waited: the console says so (by its code), nothing is sent.
    const late = (await as(staff).post('/api/admin/broadcasts').send({ ...announcement, sendAt: '2026-11-26T03:00:00Z' })).body.id as number;
    await as(staff).post(`/api/admin/broadcasts/${late}/submit`);
    loa.clockAt('2026-11-26T04:00:00Z');
    const passed = await as(principal).post(`/api/admin/broadcasts/${late}/approve`);
    expect([passed.status, passed.body.error.code]).toEqual([409, 'time_passed']);
    expect((await as(principal).get(`/api/admin/broadcasts/${late}`)).body.broadcast.status).toBe('pending_approval');
  });

  it('sends the failed deliveries again, never the uncertain ones, and only at a principal\'s or admin\'s word', async () => {
    graph.queue(SEND, { status: 400, body: { error: { code: 551, message: 'unavailable' } } });
    const id = (await as(staff).post('/api/admin/broadcasts').send({ ...announcement, text: { vi: 'Nhắc họp' } })).body.id as number;
    await as(staff).post(`/api/admin/broadcasts/${id}/submit`);
    expect((await as(principal).post(`/api/admin/broadcasts/${id}/retry`)).status).toBe(409); // nothing sent yet
    await as(principal).post(`/api/admin/broadcasts/${id}/approve`);
    // One delivery is left mid-send by a "crash" before the dispatcher runs.
    // (A Messenger one: the web chat's are kept for the page, whatever order the store claims them in.)
    const claimed = await loa.store.deliveries.claim('crashed', new Date(NOW), 10, 60_000);
    const first = claimed.find((d) => d.channel === 'messenger')!;
    for (const d of claimed) if (d !== first) await loa.store.deliveries.reschedule(d.id, new Date(NOW).toISOString(), d.attempts, d.reason ?? '');
    await loa.store.deliveries.markSending(first.id, 'crashed');
    await loa.store.deliveries.markStaleSendingUncertain();
    await loa.features.dispatcher.drain();
    let body = (await as(principal).get(`/api/admin/broadcasts/${id}`)).body;
    expect(body.deliveries.byStatus).toMatchObject({ uncertain: 1, failed: 1, sent: 1 });
    expect(body.broadcast.status).toBe('sent');
    const failed = (await as(principal).get(`/api/admin/broadcasts/${id}/deliveries?status=failed`)).body.deliveries;
    expect(failed[0].reason).toBe('person_unavailable');

    expect((await as(staff).post(`/api/admin/broadcasts/${id}/retry`)).status).toBe(403);
    const retry = await as(principal).post(`/api/admin/broadcasts/${id}/retry`);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ retried: 1, broadcast: { status: 'sending' }, deliveries: { byStatus: { pending: 1, failed: 0, uncertain: 1 } } });
    const before = graph.to(SEND).length;
    await loa.features.dispatcher.drain();
    body = (await as(principal).get(`/api/admin/broadcasts/${id}`)).body;
    expect(body.deliveries.byStatus).toMatchObject({ uncertain: 1, failed: 0, sent: 2 });
    expect(body.broadcast.status).toBe('sent');
    expect(graph.to(SEND).slice(before).map((r) => r.body.recipient.id)).toEqual([failed[0].ref.userId]); // the failed one only
    expect((await as(principal).post(`/api/admin/broadcasts/${id}/retry`)).body.retried).toBe(0);
    const audit = (await loa.admin().get(`/api/admin/audit?target=broadcast:${id}`)).body.entries.map((e: { action: string }) => e.action);
    expect(audit.filter((a: string) => a === 'broadcast.retry')).toHaveLength(2);
  });

  it('lists a group\'s members with their names and how they joined; a roster names why a row is unmatched', async () => {
    const members = (await as(staff).get('/api/admin/groups/la-a1/members')).body.members;
    expect(members.map((m: { name: string; source: string; channel: string }) => [m.name, m.source, m.channel])).toEqual([
      ['Phụ huynh psid1', 'chat', 'messenger'], ['Phụ huynh psid2', 'chat', 'messenger'], ['Phụ huynh psid3', 'chat', 'messenger'], ['Phụ huynh web1', 'chat', 'webchat'],
    ]);
    expect((await as(otherStaff).get('/api/admin/groups/la-a1/members')).status).toBe(403);
    const roster = await as(staff).post('/api/admin/groups/la-a1/roster').set('content-type', 'text/csv').send('parent_name\nPhụ huynh web2\nNgười lạ\n');
    expect(roster.body.linked).toEqual([{ row: 2, parent: 'Phụ huynh web2', contactId: expect.any(String), by: 'name' }]);
    expect(roster.body.unmatched).toEqual([{ row: 3, parent: 'Người lạ', reason: 'not chatting with the bot yet', code: 'not_chatting' }]);
    const joined = (await as(staff).get('/api/admin/groups/la-a1/members')).body.members.find((m: { name: string }) => m.name === 'Phụ huynh web2');
    expect(joined.source).toBe('roster');
  });
});

// The behaviour every store backend must have. Each backend's test file calls this with a
// factory; SQLite runs in CI, MongoDB (mongoose) runs it where a server exists.
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import type { ConversationRef, IncomingEvent } from '../../src/core/messages.ts';

const ref = (user: string, channel: ConversationRef['channel'] = 'messenger'): ConversationRef =>
  ({ channel, accountId: 'page-1', userId: user, threadId: user, threadType: 'user' });

const textEvent = (id: string, user = 'u1', text = 'xin chào'): IncomingEvent =>
  ({ type: 'text', ref: ref(user), messageId: id, timestamp: '2026-11-26T02:00:00.000Z', text, raw: { id } });

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    it('answers the readiness ping', async () => {
      expect(await store.ping()).toBe(true);
    });

    it('saves and loads sessions by key, replacing the old value', async () => {
      expect(await store.sessions.get('k')).toBeNull();
      const s = { key: 'k', locale: 'vi' as const, form: null, data: { a: 1 }, updatedAt: '2026-11-26T02:00:00.000Z' };
      await store.sessions.save(s);
      await store.sessions.save({ ...s, locale: 'en', data: { a: 2 } });
      expect(await store.sessions.get('k')).toEqual({ ...s, locale: 'en', data: { a: 2 } });
    });

    it('creates a contact once per conversation and keeps the latest inbound time', async () => {
      const a = await store.contacts.touch(ref('u1'), '2026-11-26T02:00:00.000Z', 'Mẹ Bông');
      const b = await store.contacts.touch(ref('u1'), '2026-11-26T03:00:00.000Z');
      const c = await store.contacts.touch(ref('u1'), '2026-11-26T01:00:00.000Z'); // late, out-of-order event
      expect(b.id).toBe(a.id);
      expect(c.lastInboundAt).toBe('2026-11-26T03:00:00.000Z');
      expect(c.displayName).toBe('Mẹ Bông');
      expect(c.firstSeenAt).toBe('2026-11-26T02:00:00.000Z');
      await store.contacts.setLocale(a.id, 'en');
      expect((await store.contacts.get(a.id))?.locale).toBe('en');
      expect((await store.contacts.findByRef(ref('u1')))?.id).toBe(a.id);
      expect(await store.contacts.findByRef(ref('u2'))).toBeNull();
      await store.contacts.touch(ref('u3', 'zalo_oa'), '2026-11-26T02:00:00.000Z');
      expect((await store.contacts.list({ channel: 'zalo_oa' })).map((x) => x.ref.userId)).toEqual(['u3']);
    });

    it('keeps long platform ids as exact strings', async () => {
      const id = '246845883529197922123';
      const c = await store.contacts.touch({ ...ref(id, 'zalo_oa') }, '2026-11-26T02:00:00.000Z');
      expect(c.ref.userId).toBe(id);
    });

    it('records an inbound event once per (channel, message id)', async () => {
      const first = await store.inbox.record(textEvent('m1'), 'key', '2026-11-26T02:00:00.000Z');
      const again = await store.inbox.record(textEvent('m1', 'u1', 'changed'), 'key', '2026-11-26T02:00:01.000Z');
      expect(first.inserted).toBe(true);
      expect(again.inserted).toBe(false);
      expect(again.entry.id).toBe(first.entry.id);
      expect(again.entry.event).toEqual(textEvent('m1'));
      const otherChannel = await store.inbox.record({ ...textEvent('m1'), ref: ref('u1', 'zalo_oa') }, 'key2', '2026-11-26T02:00:00.000Z');
      expect(otherChannel.inserted).toBe(true);
    });

    it('lists pending events oldest first and forgets them once processed', async () => {
      const a = await store.inbox.record(textEvent('a'), 'k', '2026-11-26T02:00:00.000Z');
      const b = await store.inbox.record(textEvent('b'), 'k', '2026-11-26T02:00:01.000Z');
      const c = await store.inbox.record(textEvent('c'), 'k', '2026-11-26T02:00:02.000Z');
      await store.inbox.markDone(b.entry.id, 'processed', '2026-11-26T02:00:03.000Z');
      await store.inbox.markDone(c.entry.id, 'failed', '2026-11-26T02:00:03.000Z', 'boom');
      expect((await store.inbox.listPending()).map((e) => e.messageId)).toEqual(['a']);
      expect((await store.inbox.get(c.entry.id))?.error).toBe('boom');
      expect((await store.inbox.get(a.entry.id))?.status).toBe('pending');
    });

    it('appends transcript turns and counts intents in a period', async () => {
      const turn = { conversationKey: 'k', channel: 'webchat' as const, contactId: null, text: 'hp bn', locale: 'vi' as const, confidence: 0.9, handler: 'fees', asked: true, latencyMs: 3, replies: ['...'] };
      await store.transcript.append({ ...turn, at: '2026-11-20T00:00:00.000Z', intent: 'fees', answered: true });
      await store.transcript.append({ ...turn, at: '2026-11-21T00:00:00.000Z', intent: 'fees', answered: true });
      await store.transcript.append({ ...turn, at: '2026-11-22T00:00:00.000Z', intent: 'none', answered: false, text: 'thời tiết' });
      await store.transcript.append({ ...turn, at: '2026-12-01T00:00:00.000Z', intent: 'menu', answered: true });
      // A form's step carries its form's intent but asked nothing: not counted.
      await store.transcript.append({ ...turn, at: '2026-11-23T00:00:00.000Z', intent: 'absence', handler: 'absence:step', asked: false, answered: true, text: 'Lá A1' });
      expect(await store.transcript.topIntents('2026-11-01', '2026-12-01', 5)).toEqual([{ intent: 'fees', count: 2 }, { intent: 'none', count: 1 }]);
      expect((await store.transcript.list({ since: '2026-11-23', until: '2026-11-24' }))[0].asked).toBe(false);
      const unanswered = await store.transcript.list({ answered: false });
      expect(unanswered.map((t) => t.text)).toEqual(['thời tiết']);
      expect(unanswered[0].replies).toEqual(['...']);
      expect((await store.transcript.list({ since: '2026-11-21', until: '2026-11-23' })).length).toBe(2);
      expect((await store.transcript.list({ since: '2026-11-20', until: '2026-11-21' }))[0].asked).toBe(true);
      // What the reports count as questions: the turns that asked something; the unanswered ones with their text.
      expect(await store.transcript.questions(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24'])).toEqual({
        askedPerDay: [1, 1, 1, 0], // the 23rd's form step asked nothing
        unanswered: [{ at: '2026-11-22T00:00:00.000Z', text: 'thời tiết' }],
      });
    });

    it('creates users with unique usernames, keeps their password hash, updates and disables them', async () => {
      const u = (await store.users.create({ username: 'cohoa', name: 'Cô Hòa', role: 'principal', classIds: [] }, '2026-11-26T02:00:00.000Z'))!;
      expect(u).toMatchObject({ username: 'cohoa', disabled: false });
      expect(await store.users.create({ username: 'cohoa', name: 'Other', role: 'staff', classIds: [] }, '2026-11-26T02:00:00.000Z')).toBeNull();
      expect((await store.users.getByUsername('cohoa'))?.id).toBe(u.id);
      expect(await store.users.getByUsername('nope')).toBeNull();
      expect(await store.users.passwordHash(u.id)).toBeNull();
      await store.users.setPasswordHash(u.id, 'scrypt$x');
      expect(await store.users.passwordHash(u.id)).toBe('scrypt$x');
      const updated = await store.users.update(u.id, { classIds: ['la-a1'], disabled: true });
      expect(updated).toMatchObject({ classIds: ['la-a1'], disabled: true, role: 'principal', username: 'cohoa' });
      const other = (await store.users.create({ username: 'thu', name: 'Cô Thu', role: 'staff', classIds: [] }, '2026-11-26T02:00:00.000Z'))!;
      await expect(store.users.update(other.id, { username: 'cohoa' })).rejects.toThrow(/taken/);
      expect(await store.users.update('missing', { name: 'x' })).toBeNull();
      expect((await store.users.list()).length).toBe(2);
    });

    it('keeps personal API tokens by hash, per owner', async () => {
      const t = await store.apiTokens.create({ id: 't1', userId: 'u1', name: 'script', createdAt: '2026-11-26T02:00:00.000Z', expiresAt: '2027-02-24T02:00:00.000Z' }, 'hash-1');
      expect(t.lastUsedAt).toBeNull();
      expect((await store.apiTokens.findByHash('hash-1'))?.id).toBe('t1');
      expect(await store.apiTokens.findByHash('nope')).toBeNull();
      await store.apiTokens.touch('t1', '2026-11-26T03:00:00.000Z');
      expect((await store.apiTokens.list('u1'))[0]).toMatchObject({ id: 't1', lastUsedAt: '2026-11-26T03:00:00.000Z' });
      expect(await store.apiTokens.revoke('u2', 't1')).toBe(false); // someone else's
      expect(await store.apiTokens.revoke('u1', 't1')).toBe(true);
      expect(await store.apiTokens.findByHash('hash-1')).toBeNull();
    });

    it('keeps console sessions until deleted, one or all of a person', async () => {
      const s = { userId: 'u1', createdAt: '2026-11-26T02:00:00.000Z', lastSeenAt: '2026-11-26T02:00:00.000Z', expiresAt: '2026-12-26T02:00:00.000Z' };
      await store.staffSessions.create('h1', s);
      await store.staffSessions.create('h2', s);
      await store.staffSessions.create('h3', { ...s, userId: 'u2' });
      expect(await store.staffSessions.get('h1')).toEqual(s);
      await store.staffSessions.touch('h1', '2026-11-27T02:00:00.000Z', '2026-12-27T02:00:00.000Z');
      expect((await store.staffSessions.get('h1'))?.expiresAt).toBe('2026-12-27T02:00:00.000Z');
      await store.staffSessions.delete('h1');
      expect(await store.staffSessions.get('h1')).toBeNull();
      expect(await store.staffSessions.deleteForUser('u1')).toBe(1);
      expect(await store.staffSessions.get('h3')).not.toBeNull();
    });

    it('uses a set-up link once; a newer link replaces the unused older one', async () => {
      const link = { userId: 'u1', createdAt: '2026-11-26T02:00:00.000Z', expiresAt: '2026-11-29T02:00:00.000Z' };
      await store.setupLinks.create('old', link);
      await store.setupLinks.create('new', link);
      expect(await store.setupLinks.get('old')).toBeNull();
      expect(await store.setupLinks.get('new')).toEqual({ ...link, usedAt: null });
      expect(await store.setupLinks.use('new', '2026-11-26T03:00:00.000Z')).toBe(true);
      expect(await store.setupLinks.use('new', '2026-11-26T03:00:01.000Z')).toBe(false);
      expect((await store.setupLinks.get('new'))?.usedAt).toBe('2026-11-26T03:00:00.000Z');
    });

    it('counts failed sign-ins in a row per username until cleared', async () => {
      expect(await store.loginFailures.get('cohoa')).toBeNull();
      await store.loginFailures.record('cohoa', '2026-11-26T02:00:00.000Z');
      expect(await store.loginFailures.record('cohoa', '2026-11-26T02:00:05.000Z')).toEqual({ count: 2, lastAt: '2026-11-26T02:00:05.000Z' });
      await store.loginFailures.clear('cohoa');
      expect(await store.loginFailures.get('cohoa')).toBeNull();
    });

    it('writes the audit log newest first, filterable by actor id, action and time; lists its actions', async () => {
      await store.audit.append({ at: '2026-11-26T02:00:00.000Z', actor: 'Cô Hòa (u1)', action: 'intent.update', target: 'intent:fees', details: { x: 1 } });
      await store.audit.append({ at: '2026-11-26T02:01:00.000Z', actor: 'b', action: 'school.update', target: 'school:fees', details: null });
      expect((await store.audit.list()).map((e) => e.actor)).toEqual(['b', 'Cô Hòa (u1)']);
      expect((await store.audit.list({ action: 'intent.update' }))[0].details).toEqual({ x: 1 });
      expect((await store.audit.list({ actor: 'u1' })).map((e) => e.action)).toEqual(['intent.update']);
      expect((await store.audit.list({ actor: 'b' })).map((e) => e.action)).toEqual(['school.update']);
      expect((await store.audit.list({ since: '2026-11-26T02:00:30.000Z' })).map((e) => e.actor)).toEqual(['b']);
      expect((await store.audit.list({ until: '2026-11-26T02:00:30.000Z' })).map((e) => e.actor)).toEqual(['Cô Hòa (u1)']);
      expect(await store.audit.actions()).toEqual(['intent.update', 'school.update']);
    });

    it('stores named documents per collection', async () => {
      await store.documents.put('intents', 'fees', { id: 'fees', n: 1 }, '2026-11-26T02:00:00.000Z');
      await store.documents.put('intents', 'fees', { id: 'fees', n: 2 }, '2026-11-26T02:01:00.000Z');
      await store.documents.put('school', 'fees', { other: true }, '2026-11-26T02:00:00.000Z');
      expect(await store.documents.get('intents', 'fees')).toEqual({ id: 'fees', n: 2 });
      expect(await store.documents.count('intents')).toBe(1);
      expect((await store.documents.list('intents'))[0]).toMatchObject({ id: 'fees', updatedAt: '2026-11-26T02:01:00.000Z' });
      expect(await store.documents.delete('intents', 'fees')).toBe(true);
      expect(await store.documents.delete('intents', 'fees')).toBe(false);
      expect(await store.documents.get('intents', 'fees')).toBeNull();
    });

    it('grants a lease to one holder until it expires or is released', async () => {
      expect(await store.leases.acquire('job', 'p1', 1000, 0)).toBe(true);
      expect(await store.leases.acquire('job', 'p2', 1000, 500)).toBe(false);
      expect(await store.leases.acquire('job', 'p1', 1000, 600)).toBe(true); // renewal
      expect(await store.leases.acquire('job', 'p2', 1000, 1700)).toBe(true); // expired
      await store.leases.release('job', 'p2');
      expect(await store.leases.acquire('job', 'p1', 1000, 1800)).toBe(true);
    });

    it('keeps outbound messages in order per conversation, claimable once', async () => {
      const r = ref('u1');
      const [a, b] = await store.outbox.enqueue([
        { conversationKey: 'k1', ref: r, message: { type: 'text', text: 'một' }, purpose: 'reply' },
        { conversationKey: 'k1', ref: r, message: { type: 'text', text: 'hai' }, purpose: 'reply' },
      ], '2026-11-26T02:00:00.000Z');
      expect(a).toMatchObject({ status: 'pending', attempts: 0, conversationKey: 'k1', message: { text: 'một' } });
      expect(await store.outbox.get(a.id)).toEqual(a); // what enqueue returns is what was stored
      expect(await store.outbox.claimNext('k1', '2026-11-26T01:59:59.000Z')).toBeNull(); // not due yet
      expect(await store.outbox.dueConversations('2026-11-26T02:00:00.000Z', 10)).toEqual(['k1']);
      expect(await store.outbox.claimNext('k1', '2026-11-26T02:00:00.000Z')).toBe(a.id);
      // The first is being sent: neither it nor the second can be claimed, and the conversation is not due.
      expect(await store.outbox.claimNext('k1', '2026-11-26T02:00:00.000Z')).toBeNull();
      expect(await store.outbox.dueConversations('2026-11-26T02:00:00.000Z', 10)).toEqual([]);
      await store.outbox.markSent(a.id, '2026-11-26T02:00:01.000Z', 'mid.1');
      expect(await store.outbox.claimNext('k1', '2026-11-26T02:00:01.000Z')).toBe(b.id);
      await store.outbox.reschedule(b.id, '2026-11-26T02:05:00.000Z', 1, 'rate_limited');
      expect(await store.outbox.claimNext('k1', '2026-11-26T02:01:00.000Z')).toBeNull();
      expect(await store.outbox.dueConversations('2026-11-26T02:01:00.000Z', 10)).toEqual([]);
      expect(await store.outbox.dueConversations('2026-11-26T02:05:00.000Z', 10)).toEqual(['k1']);
      expect(await store.outbox.claimNext('k1', '2026-11-26T02:05:00.000Z')).toBe(b.id);
      expect(await store.outbox.get(b.id)).toMatchObject({ status: 'sending', attempts: 1, lastError: 'rate_limited' });
      expect(await store.outbox.markStaleSendingUncertain()).toBe(1);
      expect(await store.outbox.claimNext('k1', '2026-11-26T03:00:00.000Z')).toBeNull(); // uncertain: never re-sent
      expect(await store.outbox.counts()).toMatchObject({ sent: 1, uncertain: 1, pending: 0 });
      expect((await store.outbox.list({ status: 'sent' }))[0]).toMatchObject({ platformMessageId: 'mid.1', attempts: 1, message: { text: 'một' } });
      // What the school's people wrote, told from the bot's replies (the console's conversation of a parent).
      await store.outbox.enqueue([{ conversationKey: 'k1', ref: r, message: { type: 'text', text: 'ba' }, purpose: 'human' }], '2026-11-26T03:00:00.000Z');
      expect((await store.outbox.list({ conversationKey: 'k1', purposes: ['human', 'proactive'] })).map((m) => m.message)).toEqual([{ type: 'text', text: 'ba' }]);
      expect(await store.outbox.get(999_999)).toBeNull();
    });

    it('keeps alerts until acknowledged', async () => {
      const a = await store.alerts.append({ at: '2026-11-26T02:00:00.000Z', kind: 'k', message: 'm', details: { x: 1 } });
      expect((await store.alerts.list({ open: true })).map((x) => x.id)).toEqual([a.id]);
      expect(await store.alerts.acknowledge(a.id, '2026-11-26T02:01:00.000Z')).toBe(true);
      expect(await store.alerts.acknowledge(a.id, '2026-11-26T02:01:00.000Z')).toBe(false);
      expect(await store.alerts.list({ open: true })).toEqual([]);
    });

    it('numbers comments as ticket codes and keeps their history', async () => {
      const base = { createdAt: '2026-11-26T02:00:00.000Z', contactId: 'c1', ref: ref('u1'), displayName: 'Mẹ Bông', classId: 'la-a1', text: 'cơm khê 100% _ok', category: 'meals', sentiment: 'negative' as const, severity: 'normal' as const, anonymous: true, status: 'new' as const, assignedTo: null, firstResponseAt: null, dueAt: '2026-11-30T02:00:00.000Z', remindedAt: null };
      const c1 = await store.comments.create(base);
      const c2 = await store.comments.create({ ...base, classId: null, text: 'khác', severity: 'urgent', sentiment: 'positive' });
      expect([c1.code, c2.code]).toEqual(['PA-0001', 'PA-0002']);
      expect([await store.comments.anyFrom('c1'), await store.comments.anyFrom('c2')]).toEqual([true, false]);
      expect((await store.comments.getByCode('pa-0002'))?.id).toBe(c2.id);
      expect((await store.comments.list({ classIds: ['la-a1'] })).map((c) => c.id)).toEqual([c1.id]);
      expect((await store.comments.list({ severity: 'urgent' })).map((c) => c.id)).toEqual([c2.id]);
      expect((await store.comments.list({ sentiment: 'positive' })).map((c) => c.id)).toEqual([c2.id]);
      expect(await store.comments.count({ sentiment: 'neutral' })).toBe(0);
      expect((await store.comments.list({ text: '100%' })).map((c) => c.id)).toEqual([c1.id]);
      expect((await store.comments.list({ text: '_' })).map((c) => c.id)).toEqual([c1.id]);
      // The console's views and search: several statuses, assignment, not answered yet, past the deadline, words without diacritics.
      expect(await store.comments.count()).toBe(2);
      expect(await store.comments.count({ statuses: ['new', 'in_progress'], severity: 'urgent' })).toBe(1);
      expect(await store.comments.count({ statuses: ['closed'] })).toBe(0);
      expect((await store.comments.list({ assignedTo: null })).map((c) => c.id)).toEqual([c2.id, c1.id]);
      expect(await store.comments.count({ assignedTo: 'u-1' })).toBe(0);
      expect(await store.comments.count({ unanswered: true, dueBefore: '2026-12-01T00:00:00.000Z' })).toBe(2);
      expect(await store.comments.count({ dueBefore: '2026-11-30T02:00:00.000Z' })).toBe(0);
      expect((await store.comments.list({ search: 'COM KHE' })).map((c) => c.id)).toEqual([c1.id]);
      expect((await store.comments.list({ search: 'khac' })).map((c) => c.id)).toEqual([c2.id]);
      expect((await store.comments.list({ search: 'pa-0002' })).map((c) => c.id)).toEqual([c2.id]);
      // An anonymous parent's name is not a way to find what they wrote.
      expect(await store.comments.count({ search: 'me bong' })).toBe(0);
      expect((await store.comments.list({ code: '0001' })).map((c) => c.id)).toEqual([c1.id]);
      expect(await store.comments.contactIds()).toEqual(['c1']);
      expect(await store.comments.contactIds({ classIds: ['choi-b1'] })).toEqual([]);
      expect(await store.comments.count({ search: '%ok' })).toBe(0); // taken literally, not as a wildcard
      expect(await store.comments.count({ search: '% _ok' })).toBe(1);
      const updated = await store.comments.update(c1.id, { status: 'acknowledged', firstResponseAt: '2026-11-26T03:00:00.000Z' }, '2026-11-26T03:00:00.000Z');
      expect(updated).toMatchObject({ status: 'acknowledged', anonymous: true, ref: ref('u1') });
      expect((await store.comments.list({ unanswered: true })).map((c) => c.id)).toEqual([c2.id]);
      await store.comments.update(c2.id, { assignedTo: 'u-1' }, '2026-11-26T03:00:00.000Z');
      expect((await store.comments.list({ assignedTo: 'u-1' })).map((c) => c.id)).toEqual([c2.id]);
      await store.comments.update(c2.id, { assignedTo: null }, '2026-11-26T03:00:00.000Z');
      const amended = await store.comments.update(c2.id, { text: 'khác\nthêm chi tiết', severity: 'urgent', classId: 'la-a1' }, '2026-11-26T03:00:00.000Z');
      expect(amended).toMatchObject({ text: 'khác\nthêm chi tiết', severity: 'urgent', classId: 'la-a1' });
      await store.comments.addEvent({ commentId: c1.id, at: '2026-11-26T03:00:00.000Z', actor: 'a', kind: 'status', details: { to: 'acknowledged' } });
      expect((await store.comments.events(c1.id))[0]).toMatchObject({ kind: 'status', details: { to: 'acknowledged' } });
    });

    it('counts the comments of a period for a report, without their texts', async () => {
      const base = { contactId: null, ref: null, displayName: null, classId: 'la-a1', text: 't', category: 'meals', sentiment: 'negative' as const, severity: 'normal' as const, anonymous: false, status: 'new' as const, assignedTo: null, firstResponseAt: null, remindedAt: null };
      await store.comments.create({ ...base, createdAt: '2026-11-23T02:00:00.000Z', dueAt: '2026-11-25T02:00:00.000Z', firstResponseAt: '2026-11-23T03:30:00.000Z', status: 'acknowledged' }); // 1.5 h, in time
      await store.comments.create({ ...base, createdAt: '2026-11-24T02:00:00.000Z', dueAt: '2026-11-24T03:00:00.000Z', firstResponseAt: '2026-11-24T08:00:00.000Z', severity: 'urgent', category: 'safety' }); // 6 h, late
      await store.comments.create({ ...base, createdAt: '2026-11-25T02:00:00.000Z', dueAt: '2026-11-26T02:00:00.000Z' }); // due, unanswered: overdue
      await store.comments.create({ ...base, createdAt: '2026-11-25T05:00:00.000Z', dueAt: '2026-11-26T02:00:00.000Z', status: 'closed' }); // due, closed: not overdue
      await store.comments.create({ ...base, createdAt: '2026-11-26T01:00:00.000Z', dueAt: '2026-11-28T02:00:00.000Z', sentiment: 'neutral' }); // not due yet
      await store.comments.create({ ...base, createdAt: '2026-11-30T00:00:00.000Z', dueAt: '2026-12-02T02:00:00.000Z' }); // another week
      const week = ['23', '24', '25', '26', '27', '28', '29', '30'].map((d) => `2026-11-${d}T00:00:00.000Z`);
      const counts = await store.comments.countsFor(week, '2026-11-27T00:00:00.000Z');
      expect(counts.groups.reduce((n, g) => n + g.count, 0)).toBe(5);
      expect(counts.groups).toContainEqual({ category: 'meals', sentiment: 'negative', status: 'new', severity: 'normal', count: 1 });
      expect(counts.groups).toContainEqual({ category: 'safety', sentiment: 'negative', status: 'new', severity: 'urgent', count: 1 });
      expect({ inTime: counts.answeredInTime, dueOrAnswered: counts.dueOrAnswered, overdue: counts.overdue }).toEqual({ inTime: 1, dueOrAnswered: 4, overdue: 1 });
      expect(counts.hoursToFirstAnswer.map((h) => Math.round(h * 1000) / 1000)).toEqual([1.5, 6]);
      expect(counts.perDay).toEqual([
        { count: 1, urgent: 0 }, { count: 1, urgent: 1 }, { count: 2, urgent: 0 }, { count: 1, urgent: 0 },
        { count: 0, urgent: 0 }, { count: 0, urgent: 0 }, { count: 0, urgent: 0 },
      ]);
      expect(counts.urgent).toEqual([{ id: 2, code: 'PA-0002', createdAt: '2026-11-24T02:00:00.000Z', category: 'safety', status: 'new', firstResponseAt: '2026-11-24T08:00:00.000Z', dueAt: '2026-11-24T03:00:00.000Z' }]);
    });

    it('finds absences covering a day', async () => {
      await store.absences.create({ createdAt: 'x', contactId: null, childName: 'Na', classId: 'la-a1', fromDate: '2026-11-30', toDate: '2026-12-02', reason: null });
      await store.absences.create({ createdAt: 'x', contactId: null, childName: 'Bông', classId: 'choi-b1', fromDate: '2026-12-01', toDate: '2026-12-01', reason: 'ốm' });
      expect((await store.absences.list({ from: '2026-12-01', to: '2026-12-01' })).map((a) => a.childName).sort()).toEqual(['Bông', 'Na']);
      expect((await store.absences.list({ from: '2026-12-02', to: '2026-12-02', classIds: ['la-a1'] })).map((a) => a.childName)).toEqual(['Na']);
      expect(await store.absences.list({ from: '2026-12-03', to: '2026-12-03' })).toEqual([]);
    });

    it("lists a parent's coming absences and hides withdrawn ones", async () => {
      const old = await store.absences.create({ createdAt: 'x', contactId: 'c1', childName: 'Na', classId: 'la-a1', fromDate: '2026-11-02', toDate: '2026-11-02', reason: null });
      const next = await store.absences.create({ createdAt: 'x', contactId: 'c1', childName: 'Na', classId: 'la-a1', fromDate: '2026-12-03', toDate: '2026-12-04', reason: 'ốm' });
      await store.absences.create({ createdAt: 'x', contactId: 'c2', childName: 'Bin', classId: 'la-a1', fromDate: '2026-12-03', toDate: '2026-12-03', reason: null });
      expect((await store.absences.ofContact('c1', '2026-12-01')).map((a) => a.id)).toEqual([next.id]);
      expect(old.withdrawnAt ?? null).toBeNull();
      await store.absences.withdraw(next.id, '2026-12-01T08:00:00Z');
      expect(await store.absences.ofContact('c1', '2026-12-01')).toEqual([]);
      expect((await store.absences.list({ from: '2026-12-03', to: '2026-12-03' })).map((a) => a.childName)).toEqual(['Bin']);
    });

    it('uses a link code once, and only before it expires', async () => {
      await store.staffLinks.createCode('LOA-111111', 'user-1', '2026-11-26T02:30:00.000Z');
      await store.staffLinks.createCode('LOA-222222', 'user-2', '2026-11-26T01:00:00.000Z');
      expect(await store.staffLinks.consumeCode('LOA-111111', '2026-11-26T02:00:00.000Z')).toBe('user-1');
      expect(await store.staffLinks.consumeCode('LOA-111111', '2026-11-26T02:00:00.000Z')).toBeNull();
      expect(await store.staffLinks.consumeCode('LOA-222222', '2026-11-26T02:00:00.000Z')).toBeNull();
      await store.staffLinks.link('user-1', ref('u9'), 'key-9', '2026-11-26T02:00:00.000Z');
      expect((await store.staffLinks.forUser('user-1'))[0].ref).toEqual(ref('u9'));
      expect((await store.staffLinks.byConversation('key-9'))?.userId).toBe('user-1');
    });

    it('keeps one live link code per person: a new one revokes the older', async () => {
      await store.staffLinks.createCode('LOA-OLDCODE111', 'user-1', '2026-11-26T02:30:00.000Z');
      await store.staffLinks.createCode('LOA-OTHERUSER1', 'user-2', '2026-11-26T02:30:00.000Z');
      await store.staffLinks.createCode('LOA-NEWCODE222', 'user-1', '2026-11-26T02:30:00.000Z');
      expect(await store.staffLinks.consumeCode('LOA-OLDCODE111', '2026-11-26T02:00:00.000Z')).toBeNull();
      expect(await store.staffLinks.consumeCode('LOA-NEWCODE222', '2026-11-26T02:00:00.000Z')).toBe('user-1');
      expect(await store.staffLinks.consumeCode('LOA-OTHERUSER1', '2026-11-26T02:00:00.000Z')).toBe('user-2');
    });

    it('records consent, honours leaving, and expands an audience once per recipient', async () => {
      const a = await store.contacts.touch(ref('a'), '2026-11-26T02:00:00.000Z', 'A');
      const b = await store.contacts.touch(ref('b'), '2026-11-26T02:00:00.000Z', 'B');
      const c = await store.contacts.touch(ref('c'), '2026-11-26T02:00:00.000Z', 'C');
      expect(await store.subscriptions.subscribe(a.id, 'la-a1', 'chat', 'messenger', 'T1')).toBe(true);
      expect(await store.subscriptions.subscribe(a.id, 'la-a1', 'chat', 'messenger', 'T2')).toBe(false);
      await store.subscriptions.subscribe(a.id, 'la-a2', 'chat', 'messenger', 'T1');
      await store.subscriptions.subscribe(b.id, 'la-a2', 'roster', 'messenger', 'T1');
      await store.subscriptions.subscribe(c.id, 'staff', 'admin', 'messenger', 'T1');
      expect(await store.subscriptions.follows(a.id, ['school'])).toBe(true);
      expect(await store.subscriptions.follows(c.id, ['school'])).toBe(false); // staff is not "the school's families"
      expect(await store.subscriptions.countByGroup()).toEqual({ 'la-a1': 1, 'la-a2': 2, staff: 1 });

      const bc = await store.broadcasts.create({ title: 't', text: { vi: 'x' }, audience: { groups: ['la-a1', 'la-a2'] }, media: null, sendAt: null, cron: null, status: 'scheduled', createdBy: 'u', submittedBy: 'u', decidedBy: 'p', rejectReason: null, nextRunAt: '2026-11-26T02:00:00.000Z', createdAt: '2026-11-26T01:00:00.000Z' });
      expect((await store.broadcasts.due('2026-11-26T02:00:00.000Z')).map((x) => x.id)).toEqual([bc.id]);
      const extra = [{ recipient: 'zalo_group:g1', contactId: null, ref: { ...ref('g1', 'zalo_personal'), threadType: 'group' as const }, locale: 'vi' as const, groups: ['la-a1'], name: null }];
      expect(await store.deliveries.expand(bc.id, 'run1', ['la-a1', 'la-a2'], extra, '2026-11-26T02:00:00.000Z')).toBe(3);
      expect(await store.deliveries.expand(bc.id, 'run1', ['la-a1', 'la-a2'], extra, '2026-11-26T02:00:00.000Z')).toBe(3); // idempotent
      const all = await store.deliveries.list(bc.id);
      expect(all.find((d) => d.contactId === a.id)?.groups.sort()).toEqual(['la-a1', 'la-a2']);
      expect(all.find((d) => d.contactId === a.id)?.ref).toEqual(ref('a'));

      const claimed = await store.deliveries.claim('h1', new Date('2026-11-26T02:00:00Z'), 2, 60_000);
      expect(claimed).toHaveLength(2);
      expect(await store.deliveries.claim('h2', new Date('2026-11-26T02:00:01Z'), 10, 60_000)).toHaveLength(1); // the rest only
      expect(await store.deliveries.markSending(claimed[0].id, 'h2')).toBe(false); // not h2's
      expect(await store.deliveries.markSending(claimed[0].id, 'h1')).toBe(true);
      await store.deliveries.finish(claimed[0].id, 'sent', null, '2026-11-26T02:00:02.000Z');
      await store.deliveries.markSending(claimed[1].id, 'h1');
      expect(await store.deliveries.markStaleSendingUncertain()).toBe(1);
      expect(await store.deliveries.cancelPending(bc.id)).toBe(1);
      const counts = await store.deliveries.counts(bc.id);
      expect(counts.byStatus).toMatchObject({ sent: 1, uncertain: 1, cancelled: 1, pending: 0 });
      expect(await store.deliveries.unfinished(bc.id)).toBe(0);

      expect(await store.subscriptions.unsubscribe(a.id, null, 'T3')).toEqual(expect.arrayContaining(['la-a1', 'la-a2']));
      expect(await store.subscriptions.activeGroups(a.id)).toEqual([]);
      expect((await store.subscriptions.list({ contactId: a.id, includeLeft: true })).every((s) => s.leftAt === 'T3')).toBe(true);
    });

    it('keeps a processed message\'s words in the transcript only; a failed one keeps its event', async () => {
      const done = (await store.inbox.record(textEvent('p1', 'u1', 'con bị sốt'), 'k', '2026-11-26T02:00:00.000Z')).entry;
      const failed = (await store.inbox.record(textEvent('p2', 'u1', 'con bị ho'), 'k', '2026-11-26T02:00:00.000Z')).entry;
      await store.inbox.markDone(done.id, 'processed', '2026-11-26T02:00:01.000Z');
      await store.inbox.markDone(failed.id, 'failed', '2026-11-26T02:00:01.000Z', 'boom');
      expect(await store.inbox.get(done.id)).toMatchObject({ status: 'processed', event: null, messageId: 'p1' });
      expect((await store.inbox.record(textEvent('p1', 'u1', 'con bị sốt'), 'k', '2026-11-26T02:00:02.000Z')).inserted).toBe(false);
      expect((await store.inbox.get(failed.id))?.event).toMatchObject({ text: 'con bị ho', raw: { id: 'p2' } });
    });

    it('keeps the web chat\'s answer with its message, and finds an entry by channel and id', async () => {
      const { entry } = await store.inbox.record(textEvent('w1'), 'k', '2026-11-26T02:00:00.000Z');
      expect((await store.inbox.find('messenger', 'w1'))?.id).toBe(entry.id);
      expect(await store.inbox.find('messenger', 'nope')).toBeNull();
      const replies = [{ type: 'text' as const, text: 'Xin chào', quickReplies: [{ title: 'Học phí', payload: 'intent:fees' }] }];
      await store.inbox.markDone(entry.id, 'processed', '2026-11-26T02:00:01.000Z', undefined, replies);
      expect((await store.inbox.get(entry.id))?.replies).toEqual(replies);
    });

    it('sends an uncertain message or delivery again only on request, and only once', async () => {
      const [m] = await store.outbox.enqueue([{ conversationKey: 'k1', ref: ref('u1'), message: { type: 'text', text: 'a' }, purpose: 'reply' }], '2026-11-26T02:00:00.000Z');
      expect(await store.outbox.resendUncertain(m.id, '2026-11-26T02:00:00.000Z')).toBe(false); // pending, not uncertain
      await store.outbox.claimNext('k1', '2026-11-26T02:00:00.000Z');
      expect(await store.outbox.markStaleSendingUncertain()).toBe(1);
      expect(await store.outbox.resendUncertain(m.id, '2026-11-26T03:00:00.000Z')).toBe(true);
      expect(await store.outbox.resendUncertain(m.id, '2026-11-26T03:00:00.000Z')).toBe(false);
      expect((await store.outbox.get(m.id))?.status).toBe('pending');
      expect(await store.outbox.claimNext('k1', '2026-11-26T03:00:00.000Z')).toBe(m.id);

      const at = '2026-11-26T02:00:00.000Z';
      const b = await store.broadcasts.create({ title: 't', text: { vi: 'x' }, audience: { groups: ['school'] }, media: null, sendAt: null, cron: null, status: 'sending', createdBy: 'u', submittedBy: null, decidedBy: null, rejectReason: null, nextRunAt: null, createdAt: at });
      await store.deliveries.expand(b.id, at, [], [{ recipient: 'r1', contactId: null, ref: ref('u9'), locale: 'vi', groups: ['school'], name: null }], at);
      const [d] = await store.deliveries.claim('h', new Date(at), 10, 60_000);
      await store.deliveries.markSending(d.id, 'h');
      await store.deliveries.markStaleSendingUncertain();
      expect((await store.deliveries.uncertain()).map((x) => x.id)).toEqual([d.id]);
      expect(await store.deliveries.resendUncertain(d.id, at)).toBe(true);
      expect(await store.deliveries.uncertain()).toEqual([]);
      expect((await store.deliveries.claim('h2', new Date(at), 10, 60_000)).map((x) => x.id)).toEqual([d.id]);
    });

    it('sends failed deliveries again, never the uncertain or sent ones', async () => {
      const at = '2026-11-26T02:00:00.000Z';
      const b = await store.broadcasts.create({ title: 't', text: { vi: 'x' }, audience: { groups: ['school'] }, media: null, sendAt: null, cron: null, status: 'sending', createdBy: 'u', submittedBy: null, decidedBy: null, rejectReason: null, nextRunAt: null, createdAt: at });
      const extra = ['f1', 'f2', 'u1', 's1'].map((r) => ({ recipient: r, contactId: null, ref: ref(r), locale: 'vi' as const, groups: ['school'], name: null }));
      await store.deliveries.expand(b.id, at, [], extra, at);
      const ds = await store.deliveries.claim('h', new Date(at), 10, 60_000);
      const byRecipient = Object.fromEntries(ds.map((d) => [d.recipient, d]));
      for (const d of ds) await store.deliveries.markSending(d.id, 'h');
      await store.deliveries.finish(byRecipient.f1.id, 'failed', 'blocked', at);
      await store.deliveries.finish(byRecipient.f2.id, 'failed', 'gave up', at);
      await store.deliveries.finish(byRecipient.s1.id, 'sent', null, at);
      await store.deliveries.markStaleSendingUncertain(); // u1
      expect(await store.deliveries.retryFailed(b.id, '2026-11-26T03:00:00.000Z')).toBe(2);
      expect(await store.deliveries.retryFailed(b.id, '2026-11-26T03:00:00.000Z')).toBe(0);
      const after = Object.fromEntries((await store.deliveries.list(b.id)).map((d) => [d.recipient, d]));
      expect([after.f1.status, after.f2.status, after.u1.status, after.s1.status]).toEqual(['pending', 'pending', 'uncertain', 'sent']);
      expect(after.f1).toMatchObject({ attempts: 0, reason: null });
      expect((await store.deliveries.claim('h2', new Date('2026-11-26T03:00:00Z'), 10, 60_000)).map((x) => x.recipient).sort()).toEqual(['f1', 'f2']);
    });

    it('erases a contact, leaving a tombstone, and applies retention periods', async () => {
      expect(await store.privacy.eraseContact('nobody', '2026-11-26T02:00:00.000Z', '[x]')).toBeNull();
      const c = await store.contacts.touch(ref('u7'), '2026-11-26T02:00:00.000Z', 'Mẹ Na');
      const { entry } = await store.inbox.record(textEvent('e1', 'u7'), 'messenger:page-1:user:u7', '2026-11-26T02:00:00.000Z');
      await store.transcript.append({ conversationKey: 'messenger:page-1:user:u7', channel: 'messenger', contactId: c.id, at: '2026-11-26T02:00:00.000Z', text: 'con ốm', locale: 'vi', intent: null, confidence: null, handler: 'x', answered: true, asked: false, latencyMs: 1, replies: ['ok'] });
      const other = await store.contacts.touch(ref('u8'), '2026-11-26T02:00:00.000Z');
      expect((await store.privacy.liveContactIds()).sort()).toEqual([c.id, other.id].sort());
      const counts = await store.privacy.eraseContact(c.id, '2026-11-26T03:00:00.000Z', '[x]');
      expect(counts).toMatchObject({ transcript: 1, inbox: 1, contact: 1 });
      expect(await store.privacy.liveContactIds()).toEqual([other.id]);
      expect((await store.inbox.record(textEvent('e1', 'u7'), 'k', '2026-11-26T04:00:00.000Z')).inserted).toBe(false);
      expect(JSON.stringify(await store.inbox.get(entry.id))).not.toContain('xin chào');
      expect((await store.contacts.get(c.id))?.displayName).toBeNull();

      await store.transcript.append({ conversationKey: 'k2', channel: 'messenger', contactId: null, at: '2026-01-01T00:00:00.000Z', text: 'old', locale: 'vi', intent: null, confidence: null, handler: 'x', answered: true, asked: false, latencyMs: 1, replies: [] });
      await store.transcript.append({ conversationKey: 'k2', channel: 'messenger', contactId: null, at: '2026-11-25T00:00:00.000Z', text: 'new', locale: 'vi', intent: null, confidence: null, handler: 'x', answered: true, asked: false, latencyMs: 1, replies: [] });
      const policy = { transcriptDays: 30, rawPayloadDays: 0, inboxDays: 0, outboxDays: 0, sessionDays: 0, absenceDays: 0, commentDays: 0 };
      expect((await store.privacy.applyRetention(policy, new Date('2026-11-26T00:00:00.000Z'), '[x]')).transcript).toBe(1);
      expect((await store.transcript.list({ conversationKey: 'k2' })).map((t) => t.text)).toEqual(['new']);
    });

    it('keeps web chat messages: history, what a page has not had, delivered once, expired in time', async () => {
      const key = 'webchat:web:user:v1';
      const row = (kind: 'visitor' | 'bot' | 'staff' | 'notice', text: string, status: 'waiting' | 'delivered', at = '2026-11-26T02:00:00.000Z', deliveryId: number | null = null) =>
        ({ conversationKey: key, at, kind, message: { type: 'text' as const, text }, status, deliveryId, expiresAt: status === 'waiting' ? '2026-11-29T02:00:00.000Z' : null });
      const [hi, answer, notice, staff] = await store.webchatMessages.append([
        row('visitor', 'xin chào', 'delivered'), row('bot', 'Xin chào bố mẹ', 'delivered'), row('notice', 'Thông báo', 'waiting', undefined, 7), row('staff', 'Cô nhắn', 'waiting'),
      ]);
      await store.webchatMessages.append([{ ...row('notice', 'other', 'waiting'), conversationKey: 'webchat:web:user:v2' }]);
      expect(hi.id).toBeLessThan(answer.id);
      expect(answer.deliveredAt).toBe('2026-11-26T02:00:00.000Z');
      expect((await store.webchatMessages.recent(key, 3)).map((m) => m.message.type === 'text' && m.message.text)).toEqual(['Xin chào bố mẹ', 'Thông báo', 'Cô nhắn']);
      // Not had: waiting ones (whatever the id), and delivered ones after the last one the page saw.
      expect((await store.webchatMessages.unseen(key, Number.MAX_SAFE_INTEGER, 10)).map((m) => m.id)).toEqual([notice.id, staff.id]);
      const delivered = await store.webchatMessages.markDelivered([notice.id, hi.id], '2026-11-26T03:00:00.000Z');
      expect(delivered.map((m) => [m.id, m.deliveryId, m.status])).toEqual([[notice.id, 7, 'delivered']]); // only what waited
      expect(await store.webchatMessages.markDelivered([notice.id], '2026-11-26T04:00:00.000Z')).toEqual([]); // once
      expect((await store.webchatMessages.unseen(key, Number.MAX_SAFE_INTEGER, 10)).map((m) => m.id)).toEqual([staff.id]);
      expect((await store.webchatMessages.unseen(key, answer.id, 10)).map((m) => m.id)).toEqual([notice.id, staff.id]); // a resumed stream
      const [attached] = await store.webchatMessages.attachDelivery([staff.id], 9);
      expect(attached).toMatchObject({ id: staff.id, deliveryId: 9, status: 'waiting' });
      expect(await store.webchatMessages.attachDelivery([], 9)).toEqual([]);
      expect(await store.webchatMessages.expire('2026-11-29T01:59:59.000Z', 10)).toEqual([]);
      expect((await store.webchatMessages.expire('2026-11-29T02:00:00.000Z', 10)).map((m) => m.status)).toEqual(['expired', 'expired']);
      expect(await store.webchatMessages.unseen(key, Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      expect(await store.webchatMessages.prune('2026-11-27T00:00:00.000Z')).toBe(5);
      expect(await store.webchatMessages.recent(key, 10)).toEqual([]);
    });

    it('moves a web chat delivery from sending to waiting, delivered or expired, never backwards', async () => {
      const c = await store.contacts.touch(ref('w', 'webchat'), 'T1');
      await store.subscriptions.subscribe(c.id, 'school', 'chat', 'webchat', 'T1');
      const bc = await store.broadcasts.create({ title: 't', text: { vi: 'x' }, audience: { groups: ['school'] }, media: null, sendAt: null, cron: null, status: 'scheduled', createdBy: 'u', submittedBy: 'u', decidedBy: 'p', rejectReason: null, nextRunAt: null, createdAt: 'T1' });
      await store.deliveries.expand(bc.id, 'run1', ['school'], [], '2026-11-26T02:00:00.000Z');
      const [d] = await store.deliveries.claim('h', new Date('2026-11-26T02:00:00Z'), 5, 60_000);
      await store.deliveries.markSending(d.id, 'h');
      expect(await store.deliveries.markWaiting(d.id)).toBe(true);
      expect((await store.deliveries.counts(bc.id)).byStatus).toMatchObject({ waiting: 1, sending: 0 });
      expect(await store.deliveries.unfinished(bc.id)).toBe(0); // the run is over; the delivery waits for a page
      await store.deliveries.markExpired([d.id], 'not opened');
      expect((await store.deliveries.counts(bc.id))).toMatchObject({ byStatus: { expired: 1, waiting: 0 }, reasons: { 'not opened': 1 } });
      await store.deliveries.markDelivered([d.id], 'T9');
      expect((await store.deliveries.list(bc.id))[0].status).toBe('expired'); // too late to count as delivered
      expect(await store.deliveries.markWaiting(d.id)).toBe(false);
    });
  });
}

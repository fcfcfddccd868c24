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
      const turn = { conversationKey: 'k', channel: 'webchat' as const, contactId: null, text: 'hp bn', locale: 'vi' as const, confidence: 0.9, handler: 'fees', latencyMs: 3, replies: ['...'] };
      await store.transcript.append({ ...turn, at: '2026-11-20T00:00:00.000Z', intent: 'fees', answered: true });
      await store.transcript.append({ ...turn, at: '2026-11-21T00:00:00.000Z', intent: 'fees', answered: true });
      await store.transcript.append({ ...turn, at: '2026-11-22T00:00:00.000Z', intent: 'none', answered: false, text: 'thời tiết' });
      await store.transcript.append({ ...turn, at: '2026-12-01T00:00:00.000Z', intent: 'menu', answered: true });
      expect(await store.transcript.topIntents('2026-11-01', '2026-12-01', 5)).toEqual([{ intent: 'fees', count: 2 }, { intent: 'none', count: 1 }]);
      const unanswered = await store.transcript.list({ answered: false });
      expect(unanswered.map((t) => t.text)).toEqual(['thời tiết']);
      expect(unanswered[0].replies).toEqual(['...']);
      expect((await store.transcript.list({ since: '2026-11-21', until: '2026-11-23' })).length).toBe(2);
    });

    it('finds users by token hash, updates and disables them', async () => {
      const u = await store.users.create({ name: 'Cô Hòa', role: 'principal', classIds: [] }, 'hash-1', '2026-11-26T02:00:00.000Z');
      expect((await store.users.findByTokenHash('hash-1'))?.id).toBe(u.id);
      expect(await store.users.findByTokenHash('nope')).toBeNull();
      const updated = await store.users.update(u.id, { classIds: ['la-a1'], disabled: true });
      expect(updated).toMatchObject({ classIds: ['la-a1'], disabled: true, role: 'principal' });
      await store.users.replaceToken(u.id, 'hash-2');
      expect(await store.users.findByTokenHash('hash-1')).toBeNull();
      expect((await store.users.findByTokenHash('hash-2'))?.disabled).toBe(true);
      expect(await store.users.update('missing', { name: 'x' })).toBeNull();
      expect((await store.users.list()).length).toBe(1);
    });

    it('writes the audit log newest first, filterable', async () => {
      await store.audit.append({ at: '2026-11-26T02:00:00.000Z', actor: 'a', action: 'intent.update', target: 'intent:fees', details: { x: 1 } });
      await store.audit.append({ at: '2026-11-26T02:01:00.000Z', actor: 'b', action: 'school.update', target: 'school:fees', details: null });
      expect((await store.audit.list()).map((e) => e.actor)).toEqual(['b', 'a']);
      expect((await store.audit.list({ action: 'intent.update' }))[0].details).toEqual({ x: 1 });
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
  });
}

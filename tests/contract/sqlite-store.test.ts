import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, StoreOpenError } from '../../src/store/sqlite/sqlite-store.ts';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { storeContract } from './store-contract.ts';
import { tempDir } from '../helpers.ts';

storeContract('sqlite', async () => openSqliteStore(path.join(tempDir(), 'loa.db')));

describe('sqlite backend', () => {
  it('uses WAL and records the schema version', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const store = openSqliteStore(file);
    await store.close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('keeps data across reopen and does not re-run migrations', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const a = openSqliteStore(file);
    await a.documents.put('c', 'x', { v: 1 }, 'now');
    await a.close();
    const b = openSqliteStore(file);
    expect(await b.documents.get('c', 'x')).toEqual({ v: 1 });
    await b.close();
  });

  it('names the path when the store cannot be opened', () => {
    const blocker = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(blocker, 'a file where a folder should be');
    expect(() => openSqliteStore(path.join(blocker, 'loa.db'))).toThrow(StoreOpenError);
    expect(() => openSqliteStore(path.join(blocker, 'loa.db'))).toThrow(/not-a-dir/);
  });
});

describe('sqlite migration 7 (console sign-in)', () => {
  it('keeps users made before the console, their old token now a personal API token', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const db = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE users_v7'));
    for (let v = 0; v < before; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${before}`);
    db.prepare("INSERT INTO users (id, name, role, class_ids, token_hash, created_at) VALUES ('u1', 'Cô Hòa', 'principal', '[]', 'old-hash', '2026-11-01T00:00:00.000Z')").run();
    db.close();
    const store = openSqliteStore(file);
    expect(await store.users.get('u1')).toMatchObject({ name: 'Cô Hòa', username: null, role: 'principal' });
    expect(await store.apiTokens.findByHash('old-hash')).toMatchObject({ userId: 'u1', expiresAt: null });
    await store.close();
  });
});

describe('sqlite: each reply text kept once (migration 13)', () => {
  const at = '2026-11-26T02:00:00.000Z';
  const ref = (user: string) => ({ channel: 'messenger' as const, accountId: 'page-1', userId: user, threadId: user, threadType: 'user' as const });
  const key = (user: string) => `messenger:page-1:user:${user}`;
  const turn = (user: string, contactId: string | null, replies: string[], when = at) => ({
    conversationKey: key(user), channel: 'messenger' as const, contactId, at: when, text: 'học phí bao nhiêu', locale: 'vi' as const,
    intent: 'fees', confidence: 0.9, handler: 'fees', answered: true, asked: true, latencyMs: 1, replies,
  });
  const texts = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare('SELECT body, refs FROM message_texts ORDER BY id').all() as { body: string; refs: number }[];
    } finally {
      db.close();
    }
  };

  it('shares one copy among turns, outbox and web chat answers, and deletes it with its last reference', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const store = openSqliteStore(file);
    const fees = 'Học phí: miễn. Tiền ăn 25.000đ/ngày.';
    const a = await store.contacts.touch(ref('a'), at);
    const b = await store.contacts.touch(ref('b'), at);
    await store.transcript.append(turn('a', a.id, [fees, 'Chào chị Lan']));
    await store.transcript.append(turn('b', b.id, [fees]));
    await store.transcript.append(turn('b', b.id, [fees, fees]));
    await store.outbox.enqueue([{ conversationKey: key('a'), ref: ref('a'), message: { type: 'text', text: fees }, purpose: 'reply' }], at);
    await store.outbox.enqueue([{ conversationKey: key('b'), ref: ref('b'), message: { type: 'text', text: fees }, purpose: 'reply' }], at);
    const { entry } = await store.inbox.record({ type: 'text', ref: ref('b'), messageId: 'w1', timestamp: at, text: 'hi', raw: null }, key('b'), at);
    await store.inbox.markDone(entry.id, 'processed', at, undefined, [{ type: 'text', text: fees }]);
    const shown = (kind: 'visitor' | 'bot', text: string) => ({ conversationKey: key('b'), at, kind, message: { type: 'text' as const, text }, status: 'delivered' as const, deliveryId: null, expiresAt: null });
    await store.webchatMessages.append([shown('visitor', 'hi'), shown('bot', fees)]);
    await store.flush();

    expect((await store.transcript.list({ conversationKey: key('b') })).map((t) => t.replies)).toEqual([[fees], [fees, fees]]);
    expect((await store.transcript.list({ conversationKey: key('a') }))[0].replies).toEqual([fees, 'Chào chị Lan']);
    expect((await store.outbox.list({ conversationKey: key('b') }))[0].message).toEqual({ type: 'text', text: fees });
    expect((await store.inbox.get(entry.id))?.replies).toEqual([{ type: 'text', text: fees }]);
    // Two copies: the transcript's text and the outbox's message (a JSON object); one more for a's own greeting.
    expect(texts(file).map((t) => [JSON.parse(t.body), t.refs])).toEqual([
      [fees, 3], ['Chào chị Lan', 1], [{ type: 'text', text: fees }, 4],
    ]);
    expect((await store.webchatMessages.recent(key('b'), 10)).map((m) => m.message.type === 'text' && m.message.text)).toEqual(['hi', fees]);

    // Erasing a: its own text goes, the shared ones stay for b.
    await store.privacy.eraseContact(a.id, at, '[x]');
    await store.flush();
    expect(texts(file).map((t) => [JSON.parse(t.body), t.refs])).toEqual([[fees, 2], [{ type: 'text', text: fees }, 3]]);
    expect(JSON.stringify(texts(file))).not.toContain('Lan');

    // Retention: the last references gone, no text is left.
    const policy = { transcriptDays: 1, rawPayloadDays: 0, inboxDays: 1, outboxDays: 1, sessionDays: 0, absenceDays: 0, commentDays: 0 };
    await store.outbox.claimNext(key('b'), at);
    await store.outbox.markSent((await store.outbox.list({ conversationKey: key('b') }))[0].id, at);
    await store.privacy.applyRetention(policy, new Date('2026-12-01T00:00:00.000Z'), '[x]');
    await store.webchatMessages.prune('2026-12-01T00:00:00.000Z');
    await store.flush();
    expect(texts(file)).toEqual([]);
    await store.close();
  });

  it('brings an existing store over: its turns, outbox and kept answers read the same, nothing counted twice', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const db = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE message_texts'));
    for (let v = 0; v < before; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${before}`);
    const fees = 'Học phí: miễn.\n"Tiền ăn" 25.000đ/ngày 🍚';
    const message = JSON.stringify({ type: 'text', text: fees, quickReplies: [{ title: 'Liên hệ', payload: 'intent:contact' }] });
    const addTurn = db.prepare(`INSERT INTO transcript (conversation_key, channel, contact_id, at, text, locale, intent, confidence, handler, answered, latency_ms, replies)
      VALUES (?, 'messenger', NULL, ?, 'học phí', 'vi', 'fees', 0.9, 'fees', 1, 3, ?)`);
    addTurn.run(key('a'), at, JSON.stringify([fees, 'Chào chị Lan']));
    addTurn.run(key('b'), at, JSON.stringify([fees]));
    addTurn.run(key('b'), at, JSON.stringify([]));
    db.prepare(`INSERT INTO outbox (conversation_key, ref, message, purpose, status, next_attempt_at, created_at) VALUES (?, ?, ?, 'reply', 'uncertain', ?, ?)`)
      .run(key('a'), JSON.stringify(ref('a')), message, at, at);
    db.prepare(`INSERT INTO inbox (channel, message_id, conversation_key, event, status, received_at, replies) VALUES ('webchat', 'w1', ?, ?, 'processed', ?, ?)`)
      .run(key('b'), JSON.stringify({ type: 'text', ref: ref('b'), messageId: 'w1', timestamp: at, text: 'học phí' }), at, `[${message}]`);
    const addShown = db.prepare(`INSERT INTO webchat_messages (conversation_key, at, kind, message, status) VALUES (?, ?, ?, ?, 'delivered')`);
    addShown.run(key('b'), at, 'visitor', JSON.stringify({ type: 'text', text: 'học phí' }));
    addShown.run(key('b'), at, 'bot', message);
    db.prepare(`INSERT INTO inbox (channel, message_id, conversation_key, event, status, received_at) VALUES ('messenger', 'm2', ?, ?, 'pending', ?)`)
      .run(key('b'), JSON.stringify({ type: 'text', ref: ref('b'), messageId: 'm2', timestamp: at, text: 'mấy giờ đón' }), at);
    db.close();

    const store = openSqliteStore(file);
    expect((await store.transcript.list()).map((t) => t.replies)).toEqual([[fees, 'Chào chị Lan'], [fees], []]);
    const [uncertain] = await store.outbox.list({ status: 'uncertain' });
    expect(uncertain.message).toEqual(JSON.parse(message));
    expect(await store.outbox.resendUncertain(uncertain.id, at)).toBe(true);
    expect((await store.inbox.find('webchat', 'w1'))?.replies).toEqual([JSON.parse(message)]);
    expect((await store.inbox.find('webchat', 'w1'))?.event).toBeNull(); // processed: its words are in the transcript
    expect((await store.inbox.listPending()).map((e) => (e.event?.type === 'text' ? e.event.text : null))).toEqual(['mấy giờ đón']);
    await store.flush();
    expect((await store.webchatMessages.recent(key('b'), 10)).map((m) => m.message)).toEqual([{ type: 'text', text: 'học phí' }, JSON.parse(message)]);
    expect(texts(file).map((t) => [JSON.parse(t.body), t.refs])).toEqual([[fees, 2], ['Chào chị Lan', 1], [JSON.parse(message), 3]]);
    await store.close();
  });
});

// Conversations: sessions, contacts, the inbox of received events, the transcript of turns.
import { randomUUID } from 'node:crypto';
import type { ConversationRef, IncomingEvent } from '../../core/messages.ts';
import type { Contact, ContactRepository, InboxEntry, InboxRepository, Locale, Session, SessionRepository, TranscriptRepository, TranscriptTurn } from '../types.ts';
import { daysTable, json, parse, type Row, type SqliteContext, whereOf } from './sql.ts';
import { messageTexts, textsOf } from './message-texts.ts';

const refWhere = 'channel = ? AND account_id = ? AND thread_type = ? AND thread_id = ?';
const refArgs = (ref: ConversationRef) => [ref.channel, ref.accountId, ref.threadType, ref.threadId];

function toContact(r: Row): Contact {
  return {
    id: r.id,
    ref: { channel: r.channel, accountId: r.account_id, userId: r.user_id, threadId: r.thread_id, threadType: r.thread_type },
    displayName: r.display_name,
    locale: r.locale,
    firstSeenAt: r.first_seen_at,
    lastInboundAt: r.last_inbound_at,
    ...(r.erased_at ? { erasedAt: r.erased_at } : {}),
  };
}

/** Inbox rows with their kept replies' texts (stored once, in message_texts). */
const INBOX = `SELECT i.id, i.channel, i.message_id, i.conversation_key, e.event, i.status, i.received_at, i.processed_at, i.error,
  CASE WHEN i.replies IS NULL THEN NULL ELSE ${textsOf('i.replies')} END AS replies
  FROM inbox i LEFT JOIN inbox_events e ON e.inbox_id = i.id`;

function toInbox(r: Row): InboxEntry {
  return {
    id: r.id, channel: r.channel, messageId: r.message_id, conversationKey: r.conversation_key,
    // None once processed: the words are in the transcript (migration 12).
    event: r.event ? parse<IncomingEvent>(r.event) : null, status: r.status, receivedAt: r.received_at,
    processedAt: r.processed_at, error: r.error, replies: parse(r.replies ?? null),
  };
}

function toTurn(r: Row): TranscriptTurn {
  return {
    id: r.id, conversationKey: r.conversation_key, channel: r.channel, contactId: r.contact_id, at: r.at,
    text: r.text, locale: r.locale, intent: r.intent, confidence: r.confidence, handler: r.handler,
    answered: r.answered === 1, asked: r.asked === 1, latencyMs: r.latency_ms, replies: parse<string[]>(r.reply_texts),
  };
}

export function sessionsRepository(c: SqliteContext): SessionRepository {
  const { stmt, w } = c;
  return {
    async get(key) {
      const r = stmt('SELECT value FROM sessions WHERE key = ?').get(key) as Row | undefined;
      return r ? parse<Session>(r.value) : null;
    },
    async save(session) {
      w(`INSERT INTO sessions (key, value, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
        .run(session.key, json(session), session.updatedAt);
    },
  };
}

export function contactsRepository(c: SqliteContext): ContactRepository {
  const { stmt, w } = c;
  const byRef = stmt(`SELECT * FROM contacts WHERE ${refWhere}`);
  return {
    async touch(ref, at, displayName) {
      const row = w(`INSERT INTO contacts (id, channel, account_id, user_id, thread_id, thread_type, display_name, first_seen_at, last_inbound_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (channel, account_id, thread_type, thread_id) DO UPDATE SET
          last_inbound_at = MAX(COALESCE(last_inbound_at, ''), excluded.last_inbound_at),
          display_name = COALESCE(excluded.display_name, display_name)
        RETURNING *`)
        .get(randomUUID(), ref.channel, ref.accountId, ref.userId, ref.threadId, ref.threadType, displayName ?? null, at, at);
      return toContact(row as Row);
    },
    async get(id) {
      const r = stmt('SELECT * FROM contacts WHERE id = ?').get(id) as Row | undefined;
      return r ? toContact(r) : null;
    },
    async findByRef(ref) {
      const r = byRef.get(...refArgs(ref)) as Row | undefined;
      return r ? toContact(r) : null;
    },
    async setLocale(id, locale: Locale) {
      w('UPDATE contacts SET locale = ? WHERE id = ?').run(locale, id);
    },
    async list(filter = {}) {
      const rows = filter.channel
        ? stmt('SELECT * FROM contacts WHERE channel = ? ORDER BY first_seen_at LIMIT ?').all(filter.channel, filter.limit ?? 1000)
        : stmt('SELECT * FROM contacts ORDER BY first_seen_at LIMIT ?').all(filter.limit ?? 1000);
      return (rows as Row[]).map(toContact);
    },
  };
}

export function inboxRepository(c: SqliteContext): InboxRepository {
  const { stmt, w, beginGroup } = c;
  const texts = messageTexts(c);
  const insert = stmt(`INSERT INTO inbox (channel, message_id, conversation_key, event, received_at)
    VALUES (?, ?, ?, '', ?) ON CONFLICT (channel, message_id) DO NOTHING
    RETURNING id, channel, message_id, conversation_key, status, received_at, processed_at, error, replies`);
  const insertEvent = stmt('INSERT INTO inbox_events (inbox_id, event) VALUES (?, ?)');
  const byKey = stmt(`${INBOX} WHERE i.channel = ? AND i.message_id = ?`);
  return {
    async record(event, conversationKey, at) {
      beginGroup();
      const inserted = insert.get(event.ref.channel, event.messageId, conversationKey, at) as Row | undefined;
      // The entry from what was just written: parsing the event back would only cost time.
      if (inserted) {
        insertEvent.run(inserted.id, json(event));
        return { inserted: true, entry: { ...toInbox(inserted), event } };
      }
      return { inserted: false, entry: toInbox(byKey.get(event.ref.channel, event.messageId) as Row) };
    },
    async markDone(id, status, at, error, replies) {
      // Once processed, the platform's raw payload has served, and a message's words are in the
      // transcript (recorded by its turn): the entry keeps what de-duplication needs. Other events
      // (a photo, a follow) keep their validated fields; a failed event keeps its raw payload for a
      // look, until retention.
      w('UPDATE inbox SET status = ?, processed_at = ?, error = ?, replies = ? WHERE id = ?')
        .run(status, at, error ?? null, replies ? texts.idsOf(replies.map((r) => json(r))) : null, id);
      if (status !== 'processed') return;
      w("DELETE FROM inbox_events WHERE inbox_id = ? AND json_extract(event, '$.type') IN ('text', 'payload')").run(id);
      w("UPDATE inbox_events SET event = json_remove(event, '$.raw') WHERE inbox_id = ? AND json_type(event, '$.raw') IS NOT NULL").run(id);
    },
    async find(channel, messageId) {
      const r = byKey.get(channel, messageId) as Row | undefined;
      return r ? toInbox(r) : null;
    },
    async listPending(limit = 10_000) {
      return (stmt(`${INBOX} WHERE i.status = 'pending' ORDER BY i.id LIMIT ?`).all(limit) as Row[]).map(toInbox);
    },
    async get(id) {
      const r = stmt(`${INBOX} WHERE i.id = ?`).get(id) as Row | undefined;
      return r ? toInbox(r) : null;
    },
  };
}

export function transcriptRepository(c: SqliteContext): TranscriptRepository {
  const { stmt, w } = c;
  const texts = messageTexts(c);
  return {
    async append(t) {
      w(`INSERT INTO transcript (conversation_key, channel, contact_id, at, text, locale, intent, confidence, handler, answered, asked, latency_ms, replies)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(t.conversationKey, t.channel, t.contactId, t.at, t.text, t.locale, t.intent, t.confidence, t.handler,
          t.answered ? 1 : 0, t.asked ? 1 : 0, Math.round(t.latencyMs), texts.idsOf(t.replies.map((r) => json(r))));
    },
    async list(filter = {}) {
      const { where, args } = whereOf([
        filter.conversationKey && ['conversation_key = ?', filter.conversationKey],
        filter.since && ['at >= ?', filter.since],
        filter.until && ['at < ?', filter.until],
        filter.answered !== undefined && ['answered = ?', filter.answered ? 1 : 0],
      ]);
      return (stmt(`SELECT t.*, ${textsOf('t.replies')} AS reply_texts FROM transcript t ${where} ORDER BY t.id LIMIT ?`).all(...args, filter.limit ?? 1000) as Row[]).map(toTurn);
    },
    async topIntents(since, until, limit) {
      return stmt(`SELECT intent, COUNT(*) AS count FROM transcript
        WHERE at >= ? AND at < ? AND asked = 1 AND intent IS NOT NULL GROUP BY intent ORDER BY count DESC, intent LIMIT ?`)
        .all(since, until, limit) as { intent: string; count: number }[];
    },
    async questions(days) {
      const { values, args } = daysTable(days);
      return {
        askedPerDay: stmt(`WITH ${values} SELECT COUNT(t.at) FROM d LEFT JOIN transcript t ON t.asked = 1 AND t.at >= d.s AND t.at < d.e
          GROUP BY d.i ORDER BY d.i`).pluck().all(...args) as number[],
        unanswered: stmt('SELECT at, text FROM transcript WHERE at >= ? AND at < ? AND asked = 1 AND answered = 0')
          .all(days[0], days[days.length - 1]) as { at: string; text: string }[],
      };
    },
  };
}

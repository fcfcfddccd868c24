import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ConversationRef, IncomingEvent } from '../../core/messages.ts';
import type {
  Absence, Alert, AuditEntry, Broadcast, Comment, Contact, Delivery, DeliveryStatus, Subscription, InboxEntry, Locale, OutboxItem, OutboxStatus, Session, Store, TranscriptTurn, User,
} from '../types.ts';
import { DELIVERY_STATUSES, OUTBOX_STATUSES, SCHOOL_GROUP, STAFF_GROUP } from '../types.ts';
import { MIGRATIONS } from './migrations.ts';

type Row = Record<string, any>;

export class StoreOpenError extends Error {}

/** Opens (creating if needed) the SQLite file, in WAL mode, and brings its schema up to date. */
export function openSqliteStore(file: string): Store {
  let db: Database.Database;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    throw new StoreOpenError(`Cannot open the SQLite store at ${path.resolve(file)}: ${(err as Error).message}`);
  }
  return sqliteStore(db);
}

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}

const json = (v: unknown) => JSON.stringify(v ?? null);
const parse = <T>(s: string | null): T => (s == null ? (null as T) : (JSON.parse(s) as T));

function toContact(r: Row): Contact {
  return {
    id: r.id,
    ref: { channel: r.channel, accountId: r.account_id, userId: r.user_id, threadId: r.thread_id, threadType: r.thread_type },
    displayName: r.display_name,
    locale: r.locale,
    firstSeenAt: r.first_seen_at,
    lastInboundAt: r.last_inbound_at,
  };
}

function toInbox(r: Row): InboxEntry {
  return {
    id: r.id, channel: r.channel, messageId: r.message_id, conversationKey: r.conversation_key,
    event: parse<IncomingEvent>(r.event), status: r.status, receivedAt: r.received_at,
    processedAt: r.processed_at, error: r.error,
  };
}

function toTurn(r: Row): TranscriptTurn {
  return {
    id: r.id, conversationKey: r.conversation_key, channel: r.channel, contactId: r.contact_id, at: r.at,
    text: r.text, locale: r.locale, intent: r.intent, confidence: r.confidence, handler: r.handler,
    answered: r.answered === 1, latencyMs: r.latency_ms, replies: parse<string[]>(r.replies),
  };
}

function toUser(r: Row): User {
  return {
    id: r.id, name: r.name, role: r.role, classIds: parse<string[]>(r.class_ids),
    createdAt: r.created_at, disabled: r.disabled === 1,
  };
}

function toAudit(r: Row): AuditEntry {
  return { id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, details: parse(r.details) };
}

function toOutbox(r: Row): OutboxItem {
  return {
    id: r.id, conversationKey: r.conversation_key, ref: parse(r.ref), message: parse(r.message), purpose: r.purpose,
    status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error,
    createdAt: r.created_at, sentAt: r.sent_at, platformMessageId: r.platform_message_id,
  };
}

function toAlert(r: Row): Alert {
  return { id: r.id, at: r.at, kind: r.kind, message: r.message, details: parse(r.details), acknowledgedAt: r.acknowledged_at };
}

function toComment(r: Row): Comment {
  return {
    id: r.id, code: r.code, createdAt: r.created_at, contactId: r.contact_id, ref: parse(r.ref), displayName: r.display_name,
    classId: r.class_id, text: r.text, category: r.category, sentiment: r.sentiment, severity: r.severity,
    anonymous: r.anonymous === 1, status: r.status, assignedTo: r.assigned_to, firstResponseAt: r.first_response_at,
    dueAt: r.due_at, remindedAt: r.reminded_at, updatedAt: r.updated_at,
  };
}

function toAbsence(r: Row): Absence {
  return { id: r.id, createdAt: r.created_at, contactId: r.contact_id, childName: r.child_name, classId: r.class_id, fromDate: r.from_date, toDate: r.to_date, reason: r.reason };
}

function toSubscription(r: Row): Subscription {
  return { contactId: r.contact_id, groupId: r.group_id, source: r.source, channel: r.channel, consentedAt: r.consented_at, leftAt: r.left_at };
}

function toBroadcast(r: Row): Broadcast {
  return {
    id: r.id, title: r.title, text: parse(r.text), audience: parse(r.audience), media: parse(r.media), sendAt: r.send_at, cron: r.cron,
    status: r.status, createdBy: r.created_by, submittedBy: r.submitted_by, decidedBy: r.decided_by, rejectReason: r.reject_reason,
    nextRunAt: r.next_run_at, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toDelivery(r: Row): Delivery {
  return {
    id: r.id, broadcastId: r.broadcast_id, runAt: r.run_at, recipient: r.recipient, contactId: r.contact_id, ref: parse(r.ref),
    channel: r.channel, locale: r.locale, groups: parse(r.groups), name: r.name, status: r.status, reason: r.reason,
    attempts: r.attempts, nextAttemptAt: r.next_attempt_at, sentAt: r.sent_at,
  };
}

const BROADCAST_COLUMNS: Record<string, string> = {
  title: 'title', text: 'text', audience: 'audience', media: 'media', sendAt: 'send_at', cron: 'cron', status: 'status',
  submittedBy: 'submitted_by', decidedBy: 'decided_by', rejectReason: 'reject_reason', nextRunAt: 'next_run_at',
};
const JSON_COLUMNS = new Set(['text', 'audience', 'media']);

const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function sqliteStore(db: Database.Database): Store {
  // Statements are prepared once and reused: preparing is the costliest part of a small query.
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  // Group commit: writes made in the same turn of the event loop share one transaction, committed
  // on the next turn (or at once by flush()). One commit per burst instead of one per statement
  // is what lets a turn with eight small writes stay well under a millisecond. Whoever promises
  // durability to the outside (a webhook's 200, a message marked "sending") calls flush() first.
  let commitScheduled = false;
  let committed: { promise: Promise<void>; resolve: () => void } | null = null;
  const commit = () => {
    commitScheduled = false;
    const waiting = committed;
    committed = null;
    if (db.open && db.inTransaction) db.exec('COMMIT');
    waiting?.resolve();
  };
  const beginGroup = () => {
    if (db.inTransaction) return;
    db.exec('BEGIN IMMEDIATE');
    if (!commitScheduled) {
      commitScheduled = true;
      setImmediate(commit);
    }
  };
  /** Resolves once the open group is committed; everyone flushing in the same tick shares one commit. */
  const flush = (): Promise<void> => {
    if (!db.inTransaction) return Promise.resolve();
    if (!committed) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      committed = { promise, resolve };
    }
    return committed.promise;
  };
  /** A statement that writes: it joins the open group transaction. */
  const w = (sql: string) => {
    beginGroup();
    return stmt(sql);
  };
  const refWhere = 'channel = ? AND account_id = ? AND thread_type = ? AND thread_id = ?';
  const refArgs = (ref: ConversationRef) => [ref.channel, ref.accountId, ref.threadType, ref.threadId];

  const q = {
    contactByRef: stmt(`SELECT * FROM contacts WHERE ${refWhere}`),
    inboxInsert: stmt(`INSERT INTO inbox (channel, message_id, conversation_key, event, received_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, message_id) DO NOTHING RETURNING *`),
    inboxByKey: stmt('SELECT * FROM inbox WHERE channel = ? AND message_id = ?'),
  };

  return {
    backend: 'sqlite',

    sessions: {
      async get(key) {
        const r = stmt('SELECT value FROM sessions WHERE key = ?').get(key) as Row | undefined;
        return r ? parse<Session>(r.value) : null;
      },
      async save(session) {
        w(`INSERT INTO sessions (key, value, updated_at) VALUES (?, ?, ?)
          ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
          .run(session.key, json(session), session.updatedAt);
      },
    },

    contacts: {
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
        const r = q.contactByRef.get(...refArgs(ref)) as Row | undefined;
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
    },

    inbox: {
      async record(event, conversationKey, at) {
        beginGroup();
        const inserted = q.inboxInsert.get(event.ref.channel, event.messageId, conversationKey, json(event), at) as Row | undefined;
        if (inserted) return { inserted: true, entry: toInbox(inserted) };
        return { inserted: false, entry: toInbox(q.inboxByKey.get(event.ref.channel, event.messageId) as Row) };
      },
      async markDone(id, status, at, error) {
        w('UPDATE inbox SET status = ?, processed_at = ?, error = ? WHERE id = ?').run(status, at, error ?? null, id);
      },
      async listPending(limit = 10_000) {
        return (stmt("SELECT * FROM inbox WHERE status = 'pending' ORDER BY id LIMIT ?").all(limit) as Row[]).map(toInbox);
      },
      async get(id) {
        const r = stmt('SELECT * FROM inbox WHERE id = ?').get(id) as Row | undefined;
        return r ? toInbox(r) : null;
      },
    },

    transcript: {
      async append(t) {
        w(`INSERT INTO transcript (conversation_key, channel, contact_id, at, text, locale, intent, confidence, handler, answered, latency_ms, replies)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(t.conversationKey, t.channel, t.contactId, t.at, t.text, t.locale, t.intent, t.confidence, t.handler,
            t.answered ? 1 : 0, Math.round(t.latencyMs), json(t.replies));
      },
      async list(filter = {}) {
        const where: string[] = [];
        const args: unknown[] = [];
        if (filter.conversationKey) { where.push('conversation_key = ?'); args.push(filter.conversationKey); }
        if (filter.since) { where.push('at >= ?'); args.push(filter.since); }
        if (filter.until) { where.push('at < ?'); args.push(filter.until); }
        if (filter.answered !== undefined) { where.push('answered = ?'); args.push(filter.answered ? 1 : 0); }
        const sql = `SELECT * FROM transcript ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT ?`;
        return (stmt(sql).all(...args, filter.limit ?? 1000) as Row[]).map(toTurn);
      },
      async topIntents(since, until, limit) {
        return stmt(`SELECT intent, COUNT(*) AS count FROM transcript
          WHERE at >= ? AND at < ? AND intent IS NOT NULL GROUP BY intent ORDER BY count DESC, intent LIMIT ?`)
          .all(since, until, limit) as { intent: string; count: number }[];
      },
    },

    users: {
      async create(u, tokenHash, at) {
        const id = randomUUID();
        w('INSERT INTO users (id, name, role, class_ids, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(id, u.name, u.role, json(u.classIds), tokenHash, at);
        return { id, name: u.name, role: u.role, classIds: u.classIds, createdAt: at, disabled: false };
      },
      async findByTokenHash(hash) {
        const r = stmt('SELECT * FROM users WHERE token_hash = ?').get(hash) as Row | undefined;
        return r ? toUser(r) : null;
      },
      async get(id) {
        const r = stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
        return r ? toUser(r) : null;
      },
      async list() {
        return (stmt('SELECT * FROM users ORDER BY created_at, name').all() as Row[]).map(toUser);
      },
      async update(id, patch) {
        const r = stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
        if (!r) return null;
        const next = { ...toUser(r), ...patch };
        w('UPDATE users SET name = ?, role = ?, class_ids = ?, disabled = ? WHERE id = ?')
          .run(next.name, next.role, json(next.classIds), next.disabled ? 1 : 0, id);
        return next;
      },
      async replaceToken(id, hash) {
        w('UPDATE users SET token_hash = ? WHERE id = ?').run(hash, id);
      },
    },

    audit: {
      async append(e) {
        w('INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)')
          .run(e.at, e.actor, e.action, e.target, json(e.details));
      },
      async list(filter = {}) {
        const where: string[] = [];
        const args: unknown[] = [];
        for (const k of ['actor', 'action', 'target'] as const) {
          if (filter[k]) { where.push(`${k} = ?`); args.push(filter[k]); }
        }
        const sql = `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
        return (stmt(sql).all(...args, filter.limit ?? 200) as Row[]).map(toAudit);
      },
    },

    documents: {
      async get<T>(collection: string, id: string) {
        const r = stmt('SELECT value FROM documents WHERE collection = ? AND id = ?').get(collection, id) as Row | undefined;
        return r ? parse<T>(r.value) : null;
      },
      async list<T>(collection: string) {
        return (stmt('SELECT id, value, updated_at FROM documents WHERE collection = ? ORDER BY id').all(collection) as Row[])
          .map((r) => ({ id: r.id as string, value: parse<T>(r.value), updatedAt: r.updated_at as string }));
      },
      async put(collection, id, value, at) {
        w(`INSERT INTO documents (collection, id, value, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (collection, id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
          .run(collection, id, json(value), at);
      },
      async delete(collection, id) {
        return w('DELETE FROM documents WHERE collection = ? AND id = ?').run(collection, id).changes === 1;
      },
      async count(collection) {
        return (stmt('SELECT COUNT(*) AS n FROM documents WHERE collection = ?').get(collection) as Row).n as number;
      },
    },

    leases: {
      async acquire(name, holder, ttlMs, now) {
        // One statement: take the lease if it is free, expired, or already ours.
        const info = w(`INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
          WHERE leases.expires_at <= ? OR leases.holder = excluded.holder`).run(name, holder, now + ttlMs, now);
        return info.changes === 1;
      },
      async release(name, holder) {
        w('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
      },
    },

    outbox: {
      async enqueue(items, at) {
        const insert = w(`INSERT INTO outbox (conversation_key, ref, message, purpose, next_attempt_at, created_at)
          VALUES (?, ?, ?, ?, ?, ?) RETURNING *`);
        // Inside the group transaction already (w() began it): all rows land in one commit.
        return items.map((i) => toOutbox(insert.get(i.conversationKey, json(i.ref), json(i.message), i.purpose, at, at) as Row));
      },
      async nextFor(key) {
        const r = stmt("SELECT * FROM outbox WHERE conversation_key = ? AND status IN ('pending', 'sending') ORDER BY id LIMIT 1").get(key) as Row | undefined;
        return r ? toOutbox(r) : null;
      },
      async dueConversations(now, limit) {
        // The oldest pending item of each conversation decides whether the conversation is due.
        return (stmt(`SELECT o.conversation_key AS k FROM outbox o
          WHERE o.status = 'pending' AND o.next_attempt_at <= ?
            AND o.id = (SELECT MIN(id) FROM outbox WHERE conversation_key = o.conversation_key AND status IN ('pending', 'sending'))
          ORDER BY o.next_attempt_at LIMIT ?`).all(now, limit) as Row[]).map((r) => r.k as string);
      },
      async claim(id, at) {
        return w("UPDATE outbox SET status = 'sending', next_attempt_at = ? WHERE id = ? AND status = 'pending'").run(at, id).changes === 1;
      },
      async markSent(id, at, platformMessageId) {
        w("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, platform_message_id = ? WHERE id = ?").run(at, platformMessageId ?? null, id);
      },
      async markFailed(id, _at, reason) {
        w("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?").run(reason, id);
      },
      async reschedule(id, nextAttemptAt, attempts, error) {
        w("UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = ?, last_error = ? WHERE id = ?").run(nextAttemptAt, attempts, error, id);
      },
      async markStaleSendingUncertain() {
        return w("UPDATE outbox SET status = 'uncertain', last_error = 'the process stopped while sending' WHERE status = 'sending'").run().changes;
      },
      async counts() {
        const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
        for (const r of stmt('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as Row[]) counts[r.status as OutboxStatus] = r.n;
        return counts;
      },
      async list(filter = {}) {
        const where: string[] = [];
        const args: unknown[] = [];
        if (filter.status) { where.push('status = ?'); args.push(filter.status); }
        if (filter.conversationKey) { where.push('conversation_key = ?'); args.push(filter.conversationKey); }
        const sql = `SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id LIMIT ?`;
        return (stmt(sql).all(...args, filter.limit ?? 1000) as Row[]).map(toOutbox);
      },
    },

    alerts: {
      async append(a) {
        return toAlert(w('INSERT INTO alerts (at, kind, message, details) VALUES (?, ?, ?, ?) RETURNING *').get(a.at, a.kind, a.message, json(a.details)) as Row);
      },
      async list(filter = {}) {
        const sql = `SELECT * FROM alerts ${filter.open ? 'WHERE acknowledged_at IS NULL' : ''} ORDER BY id DESC LIMIT ?`;
        return (stmt(sql).all(filter.limit ?? 200) as Row[]).map(toAlert);
      },
      async acknowledge(id, at) {
        return w('UPDATE alerts SET acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL').run(at, id).changes === 1;
      },
    },

    comments: {
      async create(c) {
        beginGroup();
        const next = ((stmt('SELECT COALESCE(MAX(id), 0) + 1 AS n FROM comments').get() as Row).n as number);
        const code = `PA-${String(next).padStart(4, '0')}`;
        return toComment(w(`INSERT INTO comments (code, created_at, contact_id, ref, display_name, class_id, text, category, sentiment, severity,
            anonymous, status, assigned_to, first_response_at, due_at, reminded_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`).get(
          code, c.createdAt, c.contactId, c.ref ? json(c.ref) : null, c.displayName, c.classId, c.text, c.category, c.sentiment, c.severity,
          c.anonymous ? 1 : 0, c.status, c.assignedTo, c.firstResponseAt, c.dueAt, c.remindedAt, c.createdAt) as Row);
      },
      async get(id) {
        const r = stmt('SELECT * FROM comments WHERE id = ?').get(id) as Row | undefined;
        return r ? toComment(r) : null;
      },
      async getByCode(code) {
        const r = stmt('SELECT * FROM comments WHERE code = ?').get(code.toUpperCase()) as Row | undefined;
        return r ? toComment(r) : null;
      },
      async list(f = {}) {
        const where: string[] = [];
        const args: unknown[] = [];
        if (f.status) { where.push('status = ?'); args.push(f.status); }
        if (f.category) { where.push('category = ?'); args.push(f.category); }
        if (f.severity) { where.push('severity = ?'); args.push(f.severity); }
        if (f.classIds) { where.push(`class_id IN (${inList(f.classIds.length)})`); args.push(...f.classIds); }
        if (f.since) { where.push('created_at >= ?'); args.push(f.since); }
        if (f.until) { where.push('created_at < ?'); args.push(f.until); }
        if (f.contactId) { where.push('contact_id = ?'); args.push(f.contactId); }
        if (f.text) { where.push("text LIKE ? ESCAPE '\\'"); args.push(`%${f.text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`); }
        const sql = `SELECT * FROM comments ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
        return (stmt(sql).all(...args, f.limit ?? 500) as Row[]).map(toComment);
      },
      async update(id, patch, at) {
        const cols: Record<string, string> = { status: 'status', category: 'category', assignedTo: 'assigned_to', firstResponseAt: 'first_response_at', remindedAt: 'reminded_at' };
        const keys = Object.keys(patch).filter((k) => k in cols) as (keyof typeof patch)[];
        if (keys.length) {
          w(`UPDATE comments SET ${keys.map((k) => `${cols[k]} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(...keys.map((k) => patch[k] ?? null), at, id);
        }
        const r = stmt('SELECT * FROM comments WHERE id = ?').get(id) as Row | undefined;
        return r ? toComment(r) : null;
      },
      async addEvent(e) {
        w('INSERT INTO comment_events (comment_id, at, actor, kind, details) VALUES (?, ?, ?, ?, ?)').run(e.commentId, e.at, e.actor, e.kind, json(e.details));
      },
      async events(commentId) {
        return (stmt('SELECT * FROM comment_events WHERE comment_id = ? ORDER BY id').all(commentId) as Row[])
          .map((r) => ({ id: r.id, commentId: r.comment_id, at: r.at, actor: r.actor, kind: r.kind, details: parse(r.details) }));
      },
    },

    absences: {
      async create(a) {
        return toAbsence(w(`INSERT INTO absences (created_at, contact_id, child_name, class_id, from_date, to_date, reason)
          VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`).get(a.createdAt, a.contactId, a.childName, a.classId, a.fromDate, a.toDate, a.reason) as Row);
      },
      async list({ from, to, classIds }) {
        const byClass = classIds ? ` AND class_id IN (${inList(classIds.length)})` : '';
        return (stmt(`SELECT * FROM absences WHERE from_date <= ? AND to_date >= ?${byClass} ORDER BY class_id, child_name`).all(to, from, ...(classIds ?? [])) as Row[]).map(toAbsence);
      },
    },

    staffLinks: {
      async createCode(code, userId, expiresAt) {
        w('INSERT INTO link_codes (code, user_id, expires_at) VALUES (?, ?, ?)').run(code, userId, expiresAt);
      },
      async consumeCode(code, now) {
        const r = w('DELETE FROM link_codes WHERE code = ? RETURNING *').get(code) as Row | undefined;
        return r && r.expires_at > now ? (r.user_id as string) : null;
      },
      async link(userId, ref, key, at) {
        w(`INSERT INTO staff_links (user_id, ref, conversation_key, linked_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (conversation_key) DO UPDATE SET user_id = excluded.user_id, linked_at = excluded.linked_at`).run(userId, json(ref), key, at);
      },
      async forUser(userId) {
        return (stmt('SELECT * FROM staff_links WHERE user_id = ? ORDER BY linked_at').all(userId) as Row[]).map((r) => ({ userId: r.user_id, ref: parse(r.ref), linkedAt: r.linked_at }));
      },
      async byConversation(key) {
        const r = stmt('SELECT * FROM staff_links WHERE conversation_key = ?').get(key) as Row | undefined;
        return r ? { userId: r.user_id, ref: parse(r.ref), linkedAt: r.linked_at } : null;
      },
      async all() {
        return (stmt('SELECT * FROM staff_links ORDER BY linked_at').all() as Row[]).map((r) => ({ userId: r.user_id, ref: parse(r.ref), linkedAt: r.linked_at }));
      },
    },

    subscriptions: {
      async subscribe(contactId, groupId, source, channel, at) {
        const existing = stmt('SELECT left_at FROM subscriptions WHERE contact_id = ? AND group_id = ?').get(contactId, groupId) as Row | undefined;
        if (existing && existing.left_at === null) return false;
        w(`INSERT INTO subscriptions (contact_id, group_id, source, channel, consented_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (contact_id, group_id) DO UPDATE SET source = excluded.source, channel = excluded.channel, consented_at = excluded.consented_at, left_at = NULL`)
          .run(contactId, groupId, source, channel, at);
        return true;
      },
      async unsubscribe(contactId, groupId, at) {
        const rows = (groupId === null
          ? w('UPDATE subscriptions SET left_at = ? WHERE contact_id = ? AND left_at IS NULL RETURNING group_id').all(at, contactId)
          : w('UPDATE subscriptions SET left_at = ? WHERE contact_id = ? AND group_id = ? AND left_at IS NULL RETURNING group_id').all(at, contactId, groupId)) as Row[];
        return rows.map((r) => r.group_id as string);
      },
      async activeGroups(contactId) {
        return (stmt('SELECT group_id FROM subscriptions WHERE contact_id = ? AND left_at IS NULL ORDER BY consented_at').all(contactId) as Row[]).map((r) => r.group_id as string);
      },
      async follows(contactId, groupIds) {
        const any = groupIds.includes(SCHOOL_GROUP);
        const r = stmt(`SELECT 1 FROM subscriptions WHERE contact_id = ? AND left_at IS NULL
          AND (group_id IN (SELECT value FROM json_each(?)) OR (? = 1 AND group_id <> '${STAFF_GROUP}')) LIMIT 1`).get(contactId, json(groupIds), any ? 1 : 0);
        return Boolean(r);
      },
      async list(f) {
        const where: string[] = [];
        const args: unknown[] = [];
        if (f.groupId) { where.push('group_id = ?'); args.push(f.groupId); }
        if (f.contactId) { where.push('contact_id = ?'); args.push(f.contactId); }
        if (!f.includeLeft) where.push('left_at IS NULL');
        const sql = `SELECT * FROM subscriptions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY consented_at LIMIT ?`;
        return (stmt(sql).all(...args, f.limit ?? 10_000) as Row[]).map(toSubscription);
      },
      async countByGroup() {
        return Object.fromEntries((stmt('SELECT group_id, COUNT(*) AS n FROM subscriptions WHERE left_at IS NULL GROUP BY group_id').all() as Row[]).map((r) => [r.group_id, r.n]));
      },
    },

    broadcasts: {
      async create(b) {
        return toBroadcast(w(`INSERT INTO broadcasts (title, text, audience, media, send_at, cron, status, created_by, submitted_by, decided_by, reject_reason, next_run_at, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`).get(
          b.title, json(b.text), json(b.audience), b.media ? json(b.media) : null, b.sendAt, b.cron, b.status, b.createdBy, b.submittedBy,
          b.decidedBy, b.rejectReason, b.nextRunAt, b.createdAt, b.createdAt) as Row);
      },
      async get(id) {
        const r = stmt('SELECT * FROM broadcasts WHERE id = ?').get(id) as Row | undefined;
        return r ? toBroadcast(r) : null;
      },
      async list(f = {}) {
        const rows = f.status
          ? stmt('SELECT * FROM broadcasts WHERE status = ? ORDER BY id DESC LIMIT ?').all(f.status, f.limit ?? 200)
          : stmt('SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?').all(f.limit ?? 200);
        return (rows as Row[]).map(toBroadcast);
      },
      async update(id, patch, at) {
        const keys = Object.keys(patch).filter((k) => k in BROADCAST_COLUMNS);
        if (keys.length) {
          const values = keys.map((k) => {
            const v = (patch as Record<string, unknown>)[k];
            return JSON_COLUMNS.has(k) ? (v == null ? null : json(v)) : (v ?? null);
          });
          w(`UPDATE broadcasts SET ${keys.map((k) => `${BROADCAST_COLUMNS[k]} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(...values, at, id);
        }
        const r = stmt('SELECT * FROM broadcasts WHERE id = ?').get(id) as Row | undefined;
        return r ? toBroadcast(r) : null;
      },
      async due(now) {
        return (stmt("SELECT * FROM broadcasts WHERE status = 'scheduled' AND next_run_at <= ? ORDER BY next_run_at").all(now) as Row[]).map(toBroadcast);
      },
    },

    deliveries: {
      async expand(broadcastId, runAt, groups, extra, at) {
        const everyone = groups.includes(SCHOOL_GROUP) ? 1 : 0;
        db.transaction(() => {
          beginGroup();
          w(`INSERT OR IGNORE INTO deliveries (broadcast_id, run_at, recipient, contact_id, ref, channel, locale, groups, name, next_attempt_at)
            SELECT ?, ?, 'contact:' || c.id, c.id,
              json_object('channel', c.channel, 'accountId', c.account_id, 'userId', c.user_id, 'threadId', c.thread_id, 'threadType', c.thread_type),
              c.channel, COALESCE(c.locale, 'vi'), json_group_array(s.group_id), c.display_name, ?
            FROM subscriptions s JOIN contacts c ON c.id = s.contact_id
            WHERE s.left_at IS NULL AND (s.group_id IN (SELECT value FROM json_each(?)) OR (? = 1 AND s.group_id <> '${STAFF_GROUP}'))
            GROUP BY c.id`).run(broadcastId, runAt, at, json(groups), everyone);
          const insert = w(`INSERT OR IGNORE INTO deliveries (broadcast_id, run_at, recipient, contact_id, ref, channel, locale, groups, name, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
          for (const x of extra) insert.run(broadcastId, runAt, x.recipient, x.contactId, json(x.ref), x.ref.channel, x.locale, json(x.groups), x.name, at);
        })();
        return (stmt('SELECT COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? AND run_at = ?').get(broadcastId, runAt) as Row).n as number;
      },
      async claim(holder, now, limit, leaseMs) {
        const t = now.getTime();
        return (w(`UPDATE deliveries SET claimed_by = ?, lease_until = ?
          WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND lease_until < ? ORDER BY id LIMIT ?)
          RETURNING *`).all(holder, t + leaseMs, now.toISOString(), t, limit) as Row[]).map(toDelivery).sort((a, b) => a.id - b.id);
      },
      async markSending(id, holder) {
        return w("UPDATE deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending' AND claimed_by = ?").run(id, holder).changes === 1;
      },
      async finish(id, status, reason, at) {
        w('UPDATE deliveries SET status = ?, reason = ?, sent_at = ?, lease_until = 0 WHERE id = ?').run(status, reason, status === 'sent' ? at : null, id);
      },
      async reschedule(id, nextAttemptAt, attempts, reason) {
        w("UPDATE deliveries SET status = 'pending', next_attempt_at = ?, attempts = ?, reason = ?, lease_until = 0, claimed_by = NULL WHERE id = ?").run(nextAttemptAt, attempts, reason, id);
      },
      async markStaleSendingUncertain() {
        return w("UPDATE deliveries SET status = 'uncertain', reason = 'the process stopped while sending' WHERE status = 'sending'").run().changes;
      },
      async cancelPending(broadcastId) {
        return w("UPDATE deliveries SET status = 'cancelled', reason = 'broadcast cancelled' WHERE broadcast_id = ? AND status = 'pending'").run(broadcastId).changes;
      },
      async counts(broadcastId) {
        const byStatus = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
        const byChannel: Record<string, Record<string, number>> = {};
        for (const r of stmt('SELECT channel, status, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY channel, status').all(broadcastId) as Row[]) {
          byStatus[r.status as DeliveryStatus] += r.n;
          (byChannel[r.channel] ??= {})[r.status] = r.n;
        }
        const reasons = Object.fromEntries((stmt("SELECT reason, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? AND status IN ('skipped', 'failed', 'uncertain') GROUP BY reason").all(broadcastId) as Row[]).map((r) => [r.reason ?? 'unknown', r.n]));
        return { byStatus, byChannel, reasons };
      },
      async list(broadcastId, f = {}) {
        const rows = f.status
          ? stmt('SELECT * FROM deliveries WHERE broadcast_id = ? AND status = ? ORDER BY id LIMIT ? OFFSET ?').all(broadcastId, f.status, f.limit ?? 500, f.offset ?? 0)
          : stmt('SELECT * FROM deliveries WHERE broadcast_id = ? ORDER BY id LIMIT ? OFFSET ?').all(broadcastId, f.limit ?? 500, f.offset ?? 0);
        return (rows as Row[]).map(toDelivery);
      },
      async unfinished(broadcastId, runAt) {
        const r = runAt
          ? stmt("SELECT COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? AND run_at = ? AND status IN ('pending', 'sending')").get(broadcastId, runAt)
          : stmt("SELECT COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? AND status IN ('pending', 'sending')").get(broadcastId);
        return (r as Row).n as number;
      },
    },

    async ping() {
      try {
        stmt('SELECT 1').get();
        return true;
      } catch {
        return false;
      }
    },
    flush,
    async close() {
      if (!db.open) return;
      commit();
      db.close();
    },
  };
}

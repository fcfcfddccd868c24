// Messages on their way to the platforms, and alerts for the admins.
import type { Alert, AlertRepository, OutboxItem, OutboxRepository, OutboxStatus } from '../types.ts';
import { inList, json, parse, type Row, type SqliteContext, whereOf } from './sql.ts';
import { OUTBOX_STATUSES } from '../types.ts';
import { messageTexts } from './message-texts.ts';

/** An outbox row with its text (kept once, in message_texts). */
const SELECT = 'SELECT o.*, m.body FROM outbox o LEFT JOIN message_texts m ON m.id = o.text_id';

function toOutbox(r: Row): OutboxItem {
  return {
    id: r.id, conversationKey: r.conversation_key, ref: parse(r.ref), message: parse(r.body ?? r.message), purpose: r.purpose,
    status: r.status, attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastError: r.last_error,
    createdAt: r.created_at, sentAt: r.sent_at, platformMessageId: r.platform_message_id,
  };
}

function toAlert(r: Row): Alert {
  return { id: r.id, at: r.at, kind: r.kind, message: r.message, details: parse(r.details), acknowledgedAt: r.acknowledged_at };
}

export function outboxRepository(c: SqliteContext): OutboxRepository {
  const { stmt, w } = c;
  const texts = messageTexts(c);
  return {
    async enqueue(items, at) {
      const insert = w("INSERT INTO outbox (conversation_key, ref, message, text_id, purpose, next_attempt_at, created_at) VALUES (?, ?, '', ?, ?, ?, ?)");
      // Inside the group transaction already (w() began it): all rows land in one commit. The
      // items are what was just written; nothing is read back.
      return items.map((i) => ({
        ...i, id: Number(insert.run(i.conversationKey, json(i.ref), texts.idOf(json(i.message)), i.purpose, at, at).lastInsertRowid),
        status: 'pending', attempts: 0, nextAttemptAt: at, lastError: null, createdAt: at, sentAt: null, platformMessageId: null,
      }));
    },
    async claimNext(key, now) {
      const r = w(`UPDATE outbox SET status = 'sending', next_attempt_at = @now
        WHERE id = (SELECT id FROM outbox WHERE conversation_key = @key AND status IN ('pending', 'sending') ORDER BY id LIMIT 1)
          AND status = 'pending' AND next_attempt_at <= @now
        RETURNING id`).get({ now, key }) as Row | undefined;
      return r ? (r.id as number) : null;
    },
    async get(id) {
      const r = stmt(`${SELECT} WHERE o.id = ?`).get(id) as Row | undefined;
      return r ? toOutbox(r) : null;
    },
    async dueConversations(now, limit) {
      // The oldest pending item of each conversation decides whether the conversation is due.
      return (stmt(`SELECT o.conversation_key AS k FROM outbox o
        WHERE o.status = 'pending' AND o.next_attempt_at <= ?
          AND o.id = (SELECT MIN(id) FROM outbox WHERE conversation_key = o.conversation_key AND status IN ('pending', 'sending'))
        ORDER BY o.next_attempt_at LIMIT ?`).all(now, limit) as Row[]).map((r) => r.k as string);
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
    async resendUncertain(id, now) {
      return w("UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = 'resent by an admin after a crash' WHERE id = ? AND status = 'uncertain'").run(now, id).changes === 1;
    },
    async counts() {
      const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
      for (const r of stmt('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as Row[]) counts[r.status as OutboxStatus] = r.n;
      return counts;
    },
    async list(filter = {}) {
      const { where, args } = whereOf([
        filter.status && ['o.status = ?', filter.status],
        filter.conversationKey && ['o.conversation_key = ?', filter.conversationKey],
        filter.purposes && [`o.purpose IN (${inList(filter.purposes.length)})`, ...filter.purposes],
      ]);
      return (stmt(`${SELECT} ${where} ORDER BY o.id LIMIT ?`).all(...args, filter.limit ?? 1000) as Row[]).map(toOutbox);
    },
  };
}

export function alertsRepository(c: SqliteContext): AlertRepository {
  const { stmt, w } = c;
  return {
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
  };
}

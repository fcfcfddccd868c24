// Messages on their way to the platforms, and alerts for the admins.
import type { Alert, AlertRepository, OutboxItem, OutboxRepository, OutboxStatus } from '../types.ts';
import { json, parse, type Row, type SqliteContext, whereOf } from './sql.ts';
import { OUTBOX_STATUSES } from '../types.ts';

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

export function outboxRepository(c: SqliteContext): OutboxRepository {
  const { stmt, w } = c;
  return {
    async enqueue(items, at) {
      const insert = w(`INSERT INTO outbox (conversation_key, ref, message, purpose, next_attempt_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?)
        RETURNING id, conversation_key, purpose, status, attempts, next_attempt_at, last_error, created_at, sent_at, platform_message_id`);
      // Inside the group transaction already (w() began it): all rows land in one commit. The
      // items are completed from what was just written, not parsed back.
      return items.map((i) => ({ ...toOutbox(insert.get(i.conversationKey, json(i.ref), json(i.message), i.purpose, at, at) as Row), ref: i.ref, message: i.message }));
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
      const { where, args } = whereOf([
        filter.status && ['status = ?', filter.status],
        filter.conversationKey && ['conversation_key = ?', filter.conversationKey],
      ]);
      return (stmt(`SELECT * FROM outbox ${where} ORDER BY id LIMIT ?`).all(...args, filter.limit ?? 1000) as Row[]).map(toOutbox);
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

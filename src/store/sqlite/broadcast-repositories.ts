// Subscribers, broadcasts and their deliveries.
import type { Broadcast, BroadcastRepository, Delivery, DeliveryRepository, DeliveryStatus, Subscription, SubscriptionRepository } from '../types.ts';
import { json, parse, type Row, type SqliteContext, whereOf } from './sql.ts';
import { DELIVERY_STATUSES, SCHOOL_GROUP, STAFF_GROUP } from '../types.ts';

const BROADCAST_COLUMNS: Record<string, string> = {
  title: 'title', text: 'text', audience: 'audience', media: 'media', sendAt: 'send_at', cron: 'cron', status: 'status',
  submittedBy: 'submitted_by', decidedBy: 'decided_by', rejectReason: 'reject_reason', nextRunAt: 'next_run_at',
};
const JSON_COLUMNS = new Set(['text', 'audience', 'media']);

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

export function subscriptionsRepository(c: SqliteContext): SubscriptionRepository {
  const { stmt, w } = c;
  return {
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
      const { where, args } = whereOf([
        f.groupId && ['group_id = ?', f.groupId],
        f.contactId && ['contact_id = ?', f.contactId],
        !f.includeLeft && ['left_at IS NULL'],
      ]);
      return (stmt(`SELECT * FROM subscriptions ${where} ORDER BY consented_at LIMIT ?`).all(...args, f.limit ?? 10_000) as Row[]).map(toSubscription);
    },
    async countByGroup() {
      return Object.fromEntries((stmt('SELECT group_id, COUNT(*) AS n FROM subscriptions WHERE left_at IS NULL GROUP BY group_id').all() as Row[]).map((r) => [r.group_id, r.n]));
    },
  };
}

export function broadcastsRepository(c: SqliteContext): BroadcastRepository {
  const { stmt, w } = c;
  return {
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
  };
}

export function deliveriesRepository(c: SqliteContext): DeliveryRepository {
  const { stmt, w, beginGroup, db } = c;
  return {
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
    async uncertain(limit = 1000) {
      return (stmt("SELECT * FROM deliveries WHERE status = 'uncertain' ORDER BY id LIMIT ?").all(limit) as Row[]).map(toDelivery);
    },
    async resendUncertain(id, now) {
      return w("UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_until = 0, claimed_by = NULL, reason = 'resent by an admin after a crash' WHERE id = ? AND status = 'uncertain'").run(now, id).changes === 1;
    },
    async markStaleSendingUncertain() {
      return w("UPDATE deliveries SET status = 'uncertain', reason = 'the process stopped while sending' WHERE status = 'sending'").run().changes;
    },
    async cancelPending(broadcastId) {
      return w("UPDATE deliveries SET status = 'cancelled', reason = 'broadcast cancelled' WHERE broadcast_id = ? AND status = 'pending'").run(broadcastId).changes;
    },
    async retryFailed(broadcastId, now) {
      return w("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, reason = NULL, sent_at = NULL, lease_until = 0, claimed_by = NULL WHERE broadcast_id = ? AND status = 'failed'").run(now, broadcastId).changes;
    },
    async counts(broadcastId) {
      const byStatus = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
      const byChannel: Record<string, Record<string, number>> = {};
      for (const r of stmt('SELECT channel, status, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? GROUP BY channel, status').all(broadcastId) as Row[]) {
        byStatus[r.status as DeliveryStatus] += r.n;
        (byChannel[r.channel] ??= {})[r.status] = r.n;
      }
      const reasons = Object.fromEntries((stmt("SELECT reason, COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? AND status IN ('skipped', 'failed', 'uncertain', 'expired') GROUP BY reason").all(broadcastId) as Row[]).map((r) => [r.reason ?? 'unknown', r.n]));
      return { byStatus, byChannel, reasons };
    },
    async list(broadcastId, f = {}) {
      const rows = f.status
        ? stmt('SELECT * FROM deliveries WHERE broadcast_id = ? AND status = ? ORDER BY id LIMIT ? OFFSET ?').all(broadcastId, f.status, f.limit ?? 500, f.offset ?? 0)
        : stmt('SELECT * FROM deliveries WHERE broadcast_id = ? ORDER BY id LIMIT ? OFFSET ?').all(broadcastId, f.limit ?? 500, f.offset ?? 0);
      return (rows as Row[]).map(toDelivery);
    },
    async markWaiting(id) {
      return w("UPDATE deliveries SET status = 'waiting', lease_until = 0 WHERE id = ? AND status = 'sending'").run(id).changes === 1;
    },
    async markDelivered(ids, at) {
      const update = w("UPDATE deliveries SET status = 'delivered', sent_at = ?, reason = NULL, lease_until = 0 WHERE id = ? AND status IN ('sending', 'waiting')");
      for (const id of ids) update.run(at, id);
    },
    async markExpired(ids, reason) {
      const update = w("UPDATE deliveries SET status = 'expired', reason = ? WHERE id = ? AND status = 'waiting'");
      for (const id of ids) update.run(reason, id);
    },
    async unfinished(broadcastId, runAt) {
      const r = runAt
        ? stmt("SELECT COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? AND run_at = ? AND status IN ('pending', 'sending')").get(broadcastId, runAt)
        : stmt("SELECT COUNT(*) AS n FROM deliveries WHERE broadcast_id = ? AND status IN ('pending', 'sending')").get(broadcastId);
      return (r as Row).n as number;
    },
  };
}

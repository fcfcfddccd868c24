// A parent's right to erasure, and how long each kind of data is kept (Decree 13/2023).
import { conversationKey } from '../../core/messages.ts';
import type { Contact, DataCounts, PrivacyRepository, RetentionPolicy } from '../types.ts';
import { json, type Row, type SqliteContext } from './sql.ts';
import { redactQuotes } from './quote-redaction.ts';

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

export function privacyRepository(c: SqliteContext): PrivacyRepository {
  const { db, stmt } = c;
  return {
    async eraseContact(contactId, at, placeholder) {
      const row = stmt('SELECT * FROM contacts WHERE id = ?').get(contactId) as Row | undefined;
      if (!row) return null;
      const ref = { channel: row.channel, accountId: row.account_id, userId: row.user_id, threadId: row.thread_id, threadType: row.thread_type } as Contact['ref'];
      const key = conversationKey(ref);
      c.beginGroup(); // one transaction with the writes around it: all of it, or none
      const n: DataCounts = {};
      const run = (name: string, sql: string, ...args: unknown[]) => {
        n[name] = (n[name] ?? 0) + db.prepare(sql).run(...args).changes;
      };
      run('transcript', 'DELETE FROM transcript WHERE conversation_key = ?', key);
      run('sessions', 'DELETE FROM sessions WHERE key = ?', key);
      run('subscriptions', 'DELETE FROM subscriptions WHERE contact_id = ?', contactId);
      // Tombstones: the (channel, message id) stays so a redelivered webhook is still a duplicate.
      run('inboxEvents', 'DELETE FROM inbox_events WHERE inbox_id IN (SELECT id FROM inbox WHERE conversation_key = ?)', key);
      run('inbox', `UPDATE inbox SET replies = NULL, error = NULL, conversation_key = 'erased:' || ?,
        status = CASE status WHEN 'pending' THEN 'processed' ELSE status END, processed_at = COALESCE(processed_at, ?)
        WHERE conversation_key = ?`, contactId, at, key);
      run('outbox', "DELETE FROM outbox WHERE conversation_key = ? AND status <> 'sending'", key);
      run('deliveries', "UPDATE deliveries SET status = 'cancelled', reason = 'erased' WHERE contact_id = ? AND status = 'pending'", contactId);
      run('deliveries', `UPDATE deliveries SET name = NULL, contact_id = NULL, recipient = 'erased:' || id,
        ref = json_set(ref, '$.userId', 'erased', '$.threadId', 'erased') WHERE contact_id = ?`, contactId);
      // Alerts that quote them, and the copies sent to staff on chat (before their comments lose their codes' owner).
      const codes = (stmt('SELECT code FROM comments WHERE contact_id = ?').all(contactId) as Row[]).map((r) => r.code as string);
      const quoted = redactQuotes(c, { contactId, name: row.display_name, codes }, placeholder);
      n.alerts = quoted.alerts;
      n.staffTexts = quoted.texts;
      run('webchatMessages', 'DELETE FROM webchat_messages WHERE conversation_key = ?', key);
      // Comments keep their category, sentiment, class and status: the reports' counts hold.
      const comments = (stmt('SELECT id FROM comments WHERE contact_id = ?').all(contactId) as Row[]).map((r) => r.id as number);
      for (const id of comments) {
        run('comment_events', "UPDATE comment_events SET details = ? WHERE comment_id = ? AND kind IN ('created', 'detail', 'reply', 'note', 'alert')", json({ erased: true }), id);
      }
      run('comments', 'UPDATE comments SET text = ?, display_name = NULL, contact_id = NULL, ref = NULL WHERE contact_id = ?', placeholder, contactId);
      run('absences', 'UPDATE absences SET child_name = ?, reason = NULL, contact_id = NULL WHERE contact_id = ?', placeholder, contactId);
      run('staff_links', 'DELETE FROM staff_links WHERE conversation_key = ?', key);
      run('audit', "UPDATE audit_log SET details = ? WHERE target = ?", json({ erased: true }), `contact:${contactId}`);
      run('contact', `UPDATE contacts SET display_name = NULL, locale = NULL, user_id = 'erased', thread_id = 'erased:' || id,
        erased_at = ? WHERE id = ?`, at, contactId);
      return n;
    },

    async liveContactIds() {
      return (stmt('SELECT id FROM contacts WHERE erased_at IS NULL').all() as Row[]).map((r) => r.id as string);
    },

    async applyRetention(p: RetentionPolicy, now, placeholder) {
      c.beginGroup();
      const n: DataCounts = {};
      const run = (name: string, days: number, sql: string, args: (cutoff: string) => unknown[] = (cutoff) => [cutoff]) => {
        if (days > 0) n[name] = (n[name] ?? 0) + db.prepare(sql).run(...args(daysBefore(now, days))).changes;
      };
      run('transcript', p.transcriptDays, 'DELETE FROM transcript WHERE at < ?');
      // Processed events lose their raw payload at once; failed ones keep it this long, for a look.
      run('rawPayloads', p.rawPayloadDays, `UPDATE inbox_events SET event = json_remove(event, '$.raw')
        WHERE inbox_id IN (SELECT id FROM inbox WHERE received_at < ? AND status = 'failed') AND json_type(event, '$.raw') IS NOT NULL`);
      run('inbox', p.inboxDays, "DELETE FROM inbox WHERE received_at < ? AND status <> 'pending'");
      run('outbox', p.outboxDays, "DELETE FROM outbox WHERE created_at < ? AND status IN ('sent', 'failed')");
      run('deliveries', p.outboxDays, "UPDATE deliveries SET name = NULL WHERE next_attempt_at < ? AND status NOT IN ('pending', 'sending') AND name IS NOT NULL");
      run('sessions', p.sessionDays, 'DELETE FROM sessions WHERE updated_at < ?');
      run('absences', p.absenceDays, 'UPDATE absences SET child_name = ?, reason = NULL, contact_id = NULL WHERE to_date < substr(?, 1, 10) AND child_name <> ?', (cutoff) => [placeholder, cutoff, placeholder]);
      run('comments', p.commentDays, "UPDATE comments SET text = ?, display_name = NULL WHERE created_at < ? AND status IN ('resolved', 'closed') AND text <> ?", (cutoff) => [placeholder, cutoff, placeholder]);
      return n;
    },
  };
}


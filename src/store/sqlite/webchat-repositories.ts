// The web chat's messages: each conversation's recent history, and what waits for a closed page.
import type { WebchatMessage, WebchatMessageRepository } from '../types.ts';
import { inList, json, parse, type Row, type SqliteContext } from './sql.ts';
import { messageTexts } from './message-texts.ts';

/** A row with its text: the bot's and staff's messages are kept once, in message_texts (migration 13). */
const WITH_TEXT = '*, (SELECT body FROM message_texts WHERE id = webchat_messages.text_id) AS body';

function toMessage(r: Row): WebchatMessage {
  return {
    id: r.id, conversationKey: r.conversation_key, at: r.at, kind: r.kind, message: parse(r.body ?? r.message), status: r.status,
    deliveryId: r.delivery_id, deliveredAt: r.delivered_at, expiresAt: r.expires_at,
  };
}

export function webchatMessagesRepository(c: SqliteContext): WebchatMessageRepository {
  const { stmt, w } = c;
  const texts = messageTexts(c);
  return {
    async append(items) {
      const insert = w(`INSERT INTO webchat_messages (conversation_key, at, kind, message, text_id, status, delivery_id, delivered_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      return items.map((i) => {
        const deliveredAt = i.status === 'delivered' ? i.at : null;
        // The visitor's words are theirs alone: inline. Answers and notices are shared texts.
        const own = i.kind === 'visitor';
        const id = Number(insert.run(i.conversationKey, i.at, i.kind, own ? json(i.message) : '', own ? null : texts.idOf(json(i.message)), i.status, i.deliveryId, deliveredAt, i.expiresAt).lastInsertRowid);
        return { ...i, id, deliveredAt };
      });
    },
    async recent(key, limit) {
      return (stmt(`SELECT ${WITH_TEXT} FROM webchat_messages WHERE conversation_key = ? ORDER BY id DESC LIMIT ?`).all(key, limit) as Row[]).map(toMessage).reverse();
    },
    async unseen(key, afterId, limit) {
      return (stmt(`SELECT ${WITH_TEXT} FROM webchat_messages WHERE conversation_key = ? AND kind IN ('staff', 'notice')
        AND (status = 'waiting' OR (id > ? AND status = 'delivered')) ORDER BY id LIMIT ?`).all(key, afterId, limit) as Row[]).map(toMessage);
    },
    async attachDelivery(ids, deliveryId) {
      if (!ids.length) return [];
      return (w(`UPDATE webchat_messages SET delivery_id = ? WHERE id IN (${inList(ids.length)}) RETURNING ${WITH_TEXT}`).all(deliveryId, ...ids) as Row[]).map(toMessage);
    },
    async markDelivered(ids, at) {
      if (!ids.length) return [];
      return (w(`UPDATE webchat_messages SET status = 'delivered', delivered_at = ? WHERE id IN (${inList(ids.length)}) AND status = 'waiting' RETURNING ${WITH_TEXT}`)
        .all(at, ...ids) as Row[]).map(toMessage).sort((a, b) => a.id - b.id);
    },
    async expire(now, limit) {
      return (w(`UPDATE webchat_messages SET status = 'expired' WHERE id IN (
        SELECT id FROM webchat_messages WHERE status = 'waiting' AND expires_at <= ? ORDER BY id LIMIT ?) RETURNING ${WITH_TEXT}`)
        .all(now, limit) as Row[]).map(toMessage).sort((a, b) => a.id - b.id);
    },
    async prune(before) {
      return w("DELETE FROM webchat_messages WHERE at < ? AND status <> 'waiting'").run(before).changes;
    },
  };
}

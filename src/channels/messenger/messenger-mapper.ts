// Messenger webhook payloads → IncomingEvents. Pure: no HTTP, no store.
import type { IncomingEvent } from '../../core/messages.ts';
import { WrongShapeError } from '../inbound.ts';

interface MessagingItem {
  sender?: { id?: unknown };
  recipient?: { id?: unknown };
  timestamp?: unknown;
  message?: { mid?: unknown; text?: unknown; is_echo?: unknown; quick_reply?: { payload?: unknown }; attachments?: { type?: unknown }[] };
  postback?: { mid?: unknown; title?: unknown; payload?: unknown };
  delivery?: unknown;
  read?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null);

/** Every text, quick reply and postback in the payload; echoes, deliveries and reads are dropped. */
export function messengerEvents(body: unknown): IncomingEvent[] {
  const b = body as { object?: unknown; entry?: unknown };
  if (!b || typeof b !== 'object' || b.object !== 'page' || !Array.isArray(b.entry)) {
    throw new WrongShapeError('expected {"object":"page","entry":[...]}');
  }
  const events: IncomingEvent[] = [];
  for (const entry of b.entry as { id?: unknown; messaging?: unknown }[]) {
    const pageId = str(entry?.id);
    if (!pageId || !Array.isArray(entry.messaging)) continue;
    for (const item of entry.messaging as MessagingItem[]) {
      const event = toEvent(pageId, item);
      if (event) events.push(event);
    }
  }
  return events;
}

function toEvent(pageId: string, item: MessagingItem): IncomingEvent | null {
  const psid = str(item?.sender?.id);
  if (!psid || psid === pageId) return null;
  // A time outside Date's range (±8.64e15 ms) is no time at all: toISOString() would throw.
  const ts = typeof item.timestamp === 'number' && Math.abs(item.timestamp) <= 8.64e15 ? new Date(item.timestamp).toISOString() : new Date().toISOString();
  const ref = { channel: 'messenger' as const, accountId: pageId, userId: psid, threadId: psid, threadType: 'user' as const };
  const base = { ref, timestamp: ts, raw: item };

  if (item.message) {
    const m = item.message;
    if (m.is_echo) return null;
    const mid = str(m.mid);
    if (!mid) return null;
    const payload = str(m.quick_reply?.payload);
    if (payload) return { ...base, type: 'payload', messageId: mid, payload, title: str(m.text) ?? undefined };
    const text = typeof m.text === 'string' ? m.text : null;
    if (text !== null) return { ...base, type: 'text', messageId: mid, text };
    const kind = str(m.attachments?.[0]?.type);
    const mediaType = kind === 'image' || kind === 'audio' || kind === 'video' || kind === 'file' ? kind : 'other';
    return { ...base, type: 'media', messageId: mid, mediaType };
  }
  if (item.postback) {
    const payload = str(item.postback.payload);
    if (!payload) return null;
    // Postbacks have a mid on current API versions; older ones do not, so build a stable one.
    const mid = str(item.postback.mid) ?? `postback:${psid}:${item.timestamp}`;
    return { ...base, type: 'payload', messageId: mid, payload, title: str(item.postback.title) ?? undefined };
  }
  return null; // delivery, read, reaction, optin…: nothing to answer
}

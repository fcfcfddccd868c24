// Zalo OA webhook payloads → IncomingEvents. Pure. Ids and timestamps stay strings: they are
// longer than 2^53 and Number() would change them.
import type { IncomingEvent } from '../../core/messages.ts';
import { WrongShapeError } from '../inbound.ts';

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

const MEDIA: Record<string, Extract<IncomingEvent, { type: 'media' }>['mediaType']> = {
  user_send_image: 'image', user_send_gif: 'image', user_send_sticker: 'sticker', user_send_file: 'file',
  user_send_link: 'link', user_send_audio: 'audio', user_send_video: 'video', user_send_location: 'other',
  user_send_business_card: 'other',
};

function toIso(ms: string | null): string {
  // Zalo sends milliseconds as a string; parse only for the date, never for ids.
  const n = ms && /^\d+$/.test(ms) ? Number(ms) : NaN;
  return Number.isFinite(n) && n > 0 && n <= 8.64e15 ? new Date(n).toISOString() : new Date().toISOString();
}

export function zaloOaEvent(body: unknown): IncomingEvent | null {
  const b = body as Record<string, any>;
  if (!b || typeof b !== 'object' || typeof b.event_name !== 'string') throw new WrongShapeError('expected a Zalo OA event with "event_name"');
  const name: string = b.event_name;
  const timestamp = toIso(str(b.timestamp));

  if (name === 'follow' || name === 'unfollow') {
    const oaId = str(b.oa_id) ?? str(b.recipient?.id);
    const userId = str(b.follower?.id) ?? str(b.sender?.id);
    if (!oaId || !userId) throw new WrongShapeError(`${name} without oa_id or follower.id`);
    const ref = { channel: 'zalo_oa' as const, accountId: oaId, userId, threadId: userId, threadType: 'user' as const };
    // Follow events have no message id: the user, the event and its time identify it.
    return { type: name, ref, messageId: `${name}:${userId}:${str(b.timestamp) ?? ''}`, timestamp, raw: body };
  }
  if (!name.startsWith('user_send_')) return null; // oa_send_* echoes, user_seen_message, user_received_message…

  const userId = str(b.sender?.id);
  const oaId = str(b.recipient?.id);
  const msgId = str(b.message?.msg_id);
  if (!userId || !oaId || !msgId) throw new WrongShapeError(`${name} without sender.id, recipient.id or message.msg_id`);
  const ref = { channel: 'zalo_oa' as const, accountId: oaId, userId, threadId: userId, threadType: 'user' as const };
  const base = { ref, messageId: msgId, timestamp, raw: body };
  if (name === 'user_send_text') return { ...base, type: 'text', text: typeof b.message.text === 'string' ? b.message.text : '' };
  return { ...base, type: 'media', mediaType: MEDIA[name] ?? 'other' };
}

// The seam every platform plugs into. Inbound halves live in each channel's webhook or listener;
// the outbound half is this interface, and the outbox is its only caller.
import type { ChannelName, ConversationRef, OutgoingMessage } from '../core/messages.ts';
import { toPlainText } from '../core/messages.ts';

export type SendResult =
  /** webchat: the stored message, which waits until a page of the visitor says it has it. */
  | { status: 'sent'; platformMessageId?: string; webchatMessageId?: number }
  /** Try again later: rate limits, temporary errors, Zalo's night hours. */
  | { status: 'retry-later'; reason: string; afterMs?: number; notBefore?: Date }
  /** Never retry this message: outside the window, person unavailable, token revoked. */
  | { status: 'failed'; reason: string };

/**
 * Why a message is sent, which decides the platform's rules: a reply answers the person's message;
 * a proactive message (alert, announcement) needs an open window; a human message was written by
 * a member of staff (Messenger allows those for 7 days with the HUMAN_AGENT tag).
 */
export type SendPurpose = 'reply' | 'proactive' | 'human';

export interface OutboundChannel {
  readonly name: ChannelName;
  /** Splits or degrades a message into what the platform takes, one send each (kept in order). */
  prepare?(message: OutgoingMessage): OutgoingMessage[];
  send(ref: ConversationRef, message: OutgoingMessage, purpose: SendPurpose): Promise<SendResult>;
  /** When the platform takes no proactive messages now (Zalo's night hours), the time it will again. */
  quietUntil?(now: Date): Date | null;
}

export const sent = (platformMessageId?: string): SendResult => ({ status: 'sent', platformMessageId });
export const retryLater = (reason: string, afterMs?: number): SendResult => ({ status: 'retry-later', reason, afterMs });
export const failed = (reason: string): SendResult => ({ status: 'failed', reason });

/** Splits a long text at sentence (or line, or word) boundaries into parts of at most `max` characters. */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = Math.max(window.lastIndexOf('\n'), ...['. ', '! ', '? ', '… '].map((p) => {
      const i = window.lastIndexOf(p);
      return i >= 0 ? i + 1 : -1;
    }));
    if (cut < max * 0.5) cut = window.lastIndexOf(' ');
    if (cut <= 0) cut = max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** A message as plain text, for platforms (or accounts) without buttons: quick replies become numbered lines. */
export function textWithOptions(message: OutgoingMessage): string {
  if (message.type !== 'text' || !message.quickReplies?.length) return toPlainText(message);
  return `${message.text}\n\n${message.quickReplies.map((o, i) => `${i + 1}. ${o.title}`).join('\n')}`;
}

/** prepare() for text-only platforms: plain text, split at the platform's limit. */
export function textOnlyParts(message: OutgoingMessage, limit: number): OutgoingMessage[] {
  return splitText(textWithOptions(message), limit).map((text) => ({ type: 'text' as const, text }));
}

// Quick replies act only on the message they belong to: the buttons that count are those of the
// bot's answer to the visitor's last message (and of anything the school sent after it). A button
// of an earlier message is answered politely instead of re-opening an old question mid-form.
import type { QuickReply } from '../../core/messages.ts';
import type { WebchatMessage } from '../../store/types.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';

/** The buttons a page may use now, from the conversation's recent messages (oldest first). */
export function liveButtons(recent: WebchatMessage[]): QuickReply[] {
  let lastVisitor = -1;
  recent.forEach((m, i) => {
    if (m.kind === 'visitor') lastVisitor = i;
  });
  if (lastVisitor < 0) return [];
  return recent.slice(lastVisitor + 1).flatMap(buttonsOf);
}

const buttonsOf = (m: WebchatMessage): QuickReply[] => (m.message.type === 'text' ? m.message.quickReplies ?? [] : []);

/**
 * Whether a tapped payload still counts: one of the live buttons, or the very tap the visitor's
 * last message was (a retry, answered once by the inbox, or a double tap, which the forms handle).
 */
export function acceptsPayload(recent: WebchatMessage[], payload: string): boolean {
  if (liveButtons(recent).some((b) => b.payload === payload)) return true;
  const visitors = recent.flatMap((m, i) => (m.kind === 'visitor' ? [i] : []));
  if (!visitors.length) return false;
  const last = visitors[visitors.length - 1];
  const before = visitors.length > 1 ? visitors[visitors.length - 2] : -1;
  const tapped = recent.slice(before + 1, last).flatMap(buttonsOf).find((b) => b.payload === payload);
  const sent = recent[last].message;
  return !!tapped && sent.type === 'text' && sent.text === tapped.title;
}

/** "Bắt đầu lại" / "start over": the visitor wants a fresh conversation and identity. */
export function isStartOver(text: string): boolean {
  const plain = foldDiacritics(text.toLowerCase()).replace(/[^a-z ]/g, ' ').replace(/\s+/g, ' ').trim();
  return plain === 'bat dau lai' || plain === 'start over' || plain === 'start again';
}

// A school's reply to a web chat parent waits for their page: the comment's history says whether
// it was received (at once, or on a later visit) or expired because the parent never came back.
import { conversationKey, type ConversationRef } from '../../core/messages.ts';
import type { Store, WebchatMessage } from '../../store/types.ts';

export type WebchatReplyDelivery = 'delivered' | 'waiting_for_visitor';

/** Just after the reply went to the web chat: whether an open page took it, and which message it is. */
export async function webchatReplyState(store: Store, ref: ConversationRef): Promise<{ delivery: WebchatReplyDelivery; webchatMessageId?: number }> {
  const [last] = await store.webchatMessages.recent(conversationKey(ref), 1);
  if (!last || last.kind === 'visitor') return { delivery: 'waiting_for_visitor' };
  return { delivery: last.status === 'delivered' ? 'delivered' : 'waiting_for_visitor', webchatMessageId: last.id };
}

/** Later: a page received waiting replies, or they expired. Recorded once on each comment. */
export async function noteWebchatReceipts(store: Store, messages: WebchatMessage[], outcome: 'delivered' | 'expired', at: string): Promise<void> {
  for (const m of messages) {
    if (m.deliveryId !== null || m.kind === 'visitor' || m.kind === 'bot') continue; // announcements count elsewhere
    const userId = m.conversationKey.split(':').slice(3).join(':'); // webchat:web:user:<id>
    const contact = await store.contacts.findByRef({ channel: 'webchat', accountId: 'web', userId, threadId: userId, threadType: 'user' });
    if (!contact || !(await store.comments.anyFrom(contact.id))) continue;
    for (const c of await store.comments.list({ contactId: contact.id, limit: 50 })) {
      const events = await store.comments.events(c.id);
      if (!events.some((e) => e.kind === 'reply' && e.details.webchatMessageId === m.id)) continue;
      await store.comments.addEvent({ commentId: c.id, at, actor: 'loa', kind: 'delivery', details: { delivery: outcome, webchatMessageId: m.id } });
    }
  }
}

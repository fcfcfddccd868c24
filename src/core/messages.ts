// One shape for everything that comes in and goes out, whatever the platform.
// Only src/channels/* knows a platform's own payloads.

export type ChannelName = 'webchat' | 'messenger' | 'zalo_oa' | 'zalo_personal';

/** Where a person (or a group chat) can be reached again later. */
export interface ConversationRef {
  channel: ChannelName;
  /** The page / OA / Zalo account that received the message. */
  accountId: string;
  /** The person's id on that platform (PSID, Zalo user id, web chat user). */
  userId: string;
  /** The thread replies go to: the user for direct chats, the group id in group chats. */
  threadId: string;
  threadType: 'user' | 'group';
}

interface EventBase {
  ref: ConversationRef;
  /** Platform message id; the inbox de-duplicates on (channel, messageId). */
  messageId: string;
  /** ISO time the platform says the event happened. */
  timestamp: string;
  displayName?: string;
  /** The platform's own payload, kept untouched for debugging and later features. */
  raw: unknown;
}

export type IncomingEvent =
  | (EventBase & { type: 'text'; text: string; mentionsBot?: boolean })
  | (EventBase & { type: 'payload'; payload: string; title?: string })
  | (EventBase & { type: 'media'; mediaType: 'image' | 'sticker' | 'file' | 'link' | 'audio' | 'video' | 'other' })
  | (EventBase & { type: 'follow' })
  | (EventBase & { type: 'unfollow' });

export interface QuickReply {
  title: string;
  payload: string;
}

export type OutgoingMessage =
  | { type: 'text'; text: string; quickReplies?: QuickReply[] }
  | { type: 'image'; url: string; caption?: string }
  | { type: 'link'; url: string; title: string; text?: string };

/** One conversation per person: in a group chat, each member has their own (replies go to the group). */
export function conversationKey(ref: ConversationRef): string {
  const base = `${ref.channel}:${ref.accountId}:${ref.threadType}:${ref.threadId}`;
  return ref.threadType === 'group' ? `${base}:${ref.userId}` : base;
}

/** Graceful degradation for platforms (or message kinds) that only take text. */
export function toPlainText(message: OutgoingMessage): string {
  switch (message.type) {
    case 'text':
      return message.text;
    case 'image':
      return [message.caption, message.url].filter(Boolean).join('\n');
    case 'link':
      return [message.title, message.text, message.url].filter(Boolean).join('\n');
  }
}

/** The text an event carries, if any (for transcripts and NLU). */
export function eventText(event: IncomingEvent): string {
  if (event.type === 'text') return event.text;
  if (event.type === 'payload') return event.title ?? event.payload;
  return '';
}

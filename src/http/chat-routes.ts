// The web chat channel: the same pipeline as every platform, answered synchronously so a person
// can try the bot in a browser (the page at /) and tests can talk to it over plain HTTP.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Bot } from '../core/bot.ts';
import { MAX_MESSAGE_LENGTH } from '../core/bot.ts';
import type { IncomingEvent, OutgoingMessage } from '../core/messages.ts';
import type { Pipeline } from '../core/pipeline.ts';
import type { Store } from '../store/types.ts';
import { parseBody } from './errors.ts';

const chatBody = z
  .object({
    user: z.string().trim().min(1, 'user is required').max(100),
    text: z.string().max(MAX_MESSAGE_LENGTH, `Tin nhắn dài quá ${MAX_MESSAGE_LENGTH} ký tự, bố mẹ chia thành vài tin giúp em / the message is longer than ${MAX_MESSAGE_LENGTH} characters: please send it in parts`).optional(),
    payload: z.string().min(1).max(200).optional(),
    /** Optional client message id: a retry with the same id is not answered twice. */
    messageId: z.string().min(1).max(100).optional(),
    name: z.string().max(100).optional(),
  })
  .refine((b) => (b.text !== undefined) !== (b.payload !== undefined), { message: 'send either "text" or "payload"' });

export const WEBCHAT_ACCOUNT = 'web';

/** The reply shape of the web chat API. */
export function present(message: OutgoingMessage) {
  switch (message.type) {
    case 'text':
      return { text: message.text, ...(message.quickReplies ? { quickReplies: message.quickReplies } : {}) };
    case 'image':
      return { text: message.caption ?? '', image: message.url };
    case 'link':
      return { text: message.text ?? message.title, link: { url: message.url, title: message.title } };
  }
}

export function chatRoutes(deps: { pipeline: Pipeline; bot: Bot; store: Store; clock: () => Date }): Router {
  const router = Router();
  router.post('/api/chat', async (req, res) => {
    const body = parseBody(chatBody, req.body);
    const ref = { channel: 'webchat' as const, accountId: WEBCHAT_ACCOUNT, userId: body.user, threadId: body.user, threadType: 'user' as const };
    const base = { ref, messageId: body.messageId ?? randomUUID(), timestamp: deps.clock().toISOString(), displayName: body.name, raw: req.body };
    let event: IncomingEvent;
    if (body.payload !== undefined) {
      // A button that no longer applies is answered by the bot, in the parent's language.
      event = { ...base, type: 'payload', payload: body.payload };
    } else {
      event = { ...base, type: 'text', text: body.text! };
    }
    const received = await deps.pipeline.receive(event);
    await deps.pipeline.commit();
    if (!received.inserted) {
      res.json({ replies: [], duplicate: true });
      return;
    }
    const result = await received.turn;
    await deps.store.flush();
    res.json({ replies: (result?.replies ?? []).map(present), locale: result?.locale, intent: result?.intent });
  });
  return router;
}

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
import { guardLinkCodes } from './chat-guard.ts';
import type { LinkCodeGuard } from '../features/staff/link-codes.ts';

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

export function chatRoutes(deps: { pipeline: Pipeline; bot: Bot; store: Store; clock: () => Date; features: { staff: { linkGuard: LinkCodeGuard } } }): Router {
  const router = Router();
  router.post('/api/chat', async (req, res) => {
    const body = parseBody(chatBody, req.body);
    const ref = { channel: 'webchat' as const, accountId: WEBCHAT_ACCOUNT, userId: body.user, threadId: body.user, threadType: 'user' as const };
    // (The rate limits were taken before, in webchat-routes: one limit for every web chat endpoint.)
    await guardLinkCodes({ bot: deps.bot, store: deps.store, linkGuard: deps.features.staff.linkGuard }, req, ref, body.text);
    // A client's message id is its own: "1" from one visitor is not "1" from another. raw: null:
    // everything validated is in the event itself; the request body (unknown fields included) is never stored.
    const base = { ref, messageId: body.messageId ? `${body.user}\u0000${body.messageId}` : randomUUID(), timestamp: deps.clock().toISOString(), displayName: body.name, raw: null };
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
      // A retry: the answer given (or, after a crash, the one not given yet), never an empty one.
      const replies = received.entry ? await deps.pipeline.answerAgain(received.entry) : null;
      await deps.store.flush();
      res.json({ replies: (replies ?? []).map(present), duplicate: true });
      return;
    }
    const result = await received.turn;
    await deps.store.flush();
    res.json({ replies: (result?.replies ?? []).map(present), locale: result?.locale, intent: result?.intent });
  });
  return router;
}

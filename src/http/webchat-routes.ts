// The web chat's edge: who the visitor is (a signed id the server issues, never the body's `user`
// unless the caller presents CHAT_API_KEY), which sites may embed the widget (CORS), how often a
// visitor or an address may call (the one web chat limit, chat-guard's guardRate), the page's
// history and its live stream (server-sent events).
// POST /api/chat itself stays in chat-routes.ts; this runs just before it.
import { createHash, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { i18n } from 'i18next';
import type { WebchatChannel } from '../channels/webchat/webchat-channel.ts';
import { readCookie, VISITOR_COOKIE, VISITOR_COOKIE_MAX_AGE_S, VISITOR_HEADER, type Visitor, type VisitorIdentity } from '../channels/webchat/visitor-identity.ts';
import { acceptsPayload, isStartOver, liveButtons } from '../channels/webchat/webchat-buttons.ts';
import type { RateLimits } from '../core/rate-limits.ts';
import type { ConversationRef, OutgoingMessage } from '../core/messages.ts';
import { conversationKey } from '../core/messages.ts';
import { translatorFor } from '../i18n.ts';
import type { SchoolService } from '../school/school-service.ts';
import type { Store, WebchatMessage } from '../store/types.ts';
import { present, WEBCHAT_ACCOUNT } from './chat-routes.ts';
import { HttpError } from './errors.ts';
import { guardRate } from './chat-guard.ts';

export interface WebchatRouteDeps {
  webchat: WebchatChannel;
  identity: VisitorIdentity;
  store: Store;
  school: SchoolService;
  i18n: i18n;
  clock: () => Date;
  chatApiKey: string | undefined;
  /** Origins allowed to embed the widget. */
  allowedOrigins: string[];
  /** Per address, per conversation, new conversations per address (CHAT_RATE_*, NEW_CONTACTS_PER_IP_PER_HOUR). */
  limits?: RateLimits;
}

/** Who writes: a trusted server with its own user ids, or a visitor the server knows. */
type Caller = { kind: 'server'; userId: string | null } | { kind: 'visitor'; visitor: Visitor };

const webRef = (userId: string): ConversationRef => ({ channel: 'webchat', accountId: WEBCHAT_ACCOUNT, userId, threadId: userId, threadType: 'user' });
const HEARTBEAT_MS = 25_000;
const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

export function webchatRoutes(deps: WebchatRouteDeps): Router {
  const router = Router();
  const allowed = new Set(deps.allowedOrigins);
  const apiKey = deps.chatApiKey ? Buffer.from(deps.chatApiKey) : null;

  /** The caller of a chat endpoint; a visitor without a valid id gets a new one (cookie and header). */
  const callerOf = (req: Request, res: Response, issue: boolean): Caller | null => {
    const auth = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (auth) {
      const given = Buffer.from(auth[1]);
      if (!apiKey || given.length !== apiKey.length || !timingSafeEqual(given, apiKey)) throw new HttpError(401, 'unauthorized', 'the chat API key is not valid');
      const user = typeof req.body?.user === 'string' ? req.body.user : typeof req.query.user === 'string' ? req.query.user : null;
      return { kind: 'server', userId: user };
    }
    const known = deps.identity.verify(req.get(VISITOR_HEADER)) ?? deps.identity.verify(readCookie(req.get('cookie'), VISITOR_COOKIE));
    if (known) return { kind: 'visitor', visitor: known };
    if (!issue) return null;
    const visitor = deps.identity.issue();
    giveIdentity(req, res, visitor);
    return { kind: 'visitor', visitor };
  };

  /**
   * Before anything is read or recorded: the address, the conversation and (for a message) whether
   * the address may start one more conversation. A trusted server's address speaks for many
   * parents: only its conversations are limited.
   */
  const limit = (req: Request, caller: Caller, options: { message: boolean }) => {
    const userId = caller.kind === 'server' ? caller.userId : caller.visitor.userId;
    const text = options.message && typeof req.body?.text === 'string' ? req.body.text : undefined;
    return guardRate({ store: deps.store, limits: deps.limits, tooMany: (l) => translatorFor(deps.i18n, l)('limits.too_many') }, req, userId ? webRef(userId) : null, text, { newConversation: options.message, perAddress: caller.kind === 'visitor' });
  };

  // Sites that embed the widget; other sites' browsers get no CORS headers, and their requests are refused.
  router.use('/api/chat', (req, res, next) => {
    const origin = req.get('origin');
    if (!origin || sameHost(origin, req.get('host'))) return next();
    if (!allowed.has(origin)) return next(new HttpError(403, 'origin_not_allowed', `${origin} may not use this chat; add it to WEBCHAT_ALLOWED_ORIGINS`));
    res.set({
      'access-control-allow-origin': origin,
      vary: 'Origin',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': `content-type, ${VISITOR_HEADER}, last-event-id`,
      'access-control-expose-headers': VISITOR_HEADER,
      'access-control-max-age': '600',
    });
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });

  router.post('/api/chat', asyncHandler(async (req, res, next) => {
    const caller = callerOf(req, res, true)!;
    await limit(req, caller, { message: true });
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : null;
    if (!body) return next(); // chat-routes answers the bad body
    const userId = caller.kind === 'server' ? caller.userId : caller.visitor.userId;
    // A message id is de-duplicated within its conversation: two visitors' "msg-1" are two messages.
    if (typeof body.messageId === 'string' && userId) req.body = { ...body, messageId: scopedMessageId(userId, body.messageId) };
    if (caller.kind === 'server') {
      // A trusted server relaying the chat has no page open to push to: what the school sent
      // meanwhile (a reply to a comment, a notice) comes with the next answer, once.
      recordAnswer(deps, res, caller.userId, body, true);
      return next();
    }
    let visitor = caller.visitor;
    // "Bắt đầu lại": a new identity; the old conversation is left (and its announcements stop).
    if (typeof body.text === 'string' && isStartOver(body.text)) {
      const locale = /start/i.test(body.text) ? 'en' : 'vi';
      await leaveConversation(deps, visitor);
      visitor = deps.identity.issue();
      giveIdentity(req, res, visitor);
      const replies: OutgoingMessage[] = [{ type: 'text', text: translatorFor(deps.i18n, locale)('webchat.started_over') }];
      await deps.webchat.recordExchange(webRef(visitor.userId), body.text, replies);
      res.json({ replies: replies.map(present), locale, startedOver: true });
      return;
    }
    req.body = { ...req.body, user: visitor.userId };
    // A button of an earlier message: answered politely, the live buttons shown again.
    if (typeof body.payload === 'string') {
      const recent = await deps.store.webchatMessages.recent(conversationKey(webRef(visitor.userId)), 30);
      if (!acceptsPayload(recent, body.payload)) {
        const live = liveButtons(recent);
        const session = await deps.store.sessions.get(conversationKey(webRef(visitor.userId)));
        const t = translatorFor(deps.i18n, session?.locale ?? 'vi');
        const help = { title: t('quick.help'), payload: 'intent:help' };
        const replies: OutgoingMessage[] = [{ type: 'text', text: t('answers.stale_button'), quickReplies: [...live.filter((b) => b.payload !== help.payload), help] }];
        await deps.webchat.recordExchange(webRef(visitor.userId), titleOf(recent, body.payload), replies);
        res.json({ replies: replies.map(present), locale: session?.locale ?? 'vi', intent: null, stale: true });
        return;
      }
    }
    recordAnswer(deps, res, visitor.userId, body);
    next();
  }));

  // The page's recent messages; what waited for it counts as received now.
  router.get('/api/chat/history', asyncHandler(async (req, res) => {
    const caller = callerOf(req, res, true)!;
    await limit(req, caller, { message: false });
    const userId = caller.kind === 'server' ? caller.userId : caller.visitor.userId;
    if (!userId) throw new HttpError(400, 'bad_request', 'send ?user= with the chat API key');
    const messages = await deps.webchat.history(webRef(userId));
    await deps.store.flush();
    res.set('cache-control', 'no-store').json({
      ...(caller.kind === 'visitor' ? { visitor: caller.visitor.token } : {}),
      messages: messages.map((m) => ({ ...shown(m), ...(m.unread ? { unread: true } : {}) })),
    });
  }));

  // The page has the messages up to this id (what came on its stream): they count as delivered.
  router.post('/api/chat/received', asyncHandler(async (req, res) => {
    const caller = callerOf(req, res, false);
    if (!caller) throw new HttpError(401, 'no_visitor', 'open the chat first (GET /api/chat/history gives this browser its identity)');
    const upTo = Number((req.body as { upTo?: unknown } | undefined)?.upTo);
    if (!Number.isSafeInteger(upTo) || upTo < 1) throw new HttpError(400, 'invalid_body', 'upTo: the id of the last message the page has');
    const userId = caller.kind === 'server' ? caller.userId : caller.visitor.userId;
    if (!userId) throw new HttpError(400, 'bad_request', 'send "user" with the chat API key');
    const delivered = await deps.webchat.acknowledge(webRef(userId), upTo);
    await deps.store.flush();
    res.json({ delivered });
  }));

  // Live messages from the school: server-sent events, resumed from Last-Event-ID.
  router.get('/api/chat/events', asyncHandler(async (req, res) => {
    const caller = callerOf(req, res, false);
    if (!caller) throw new HttpError(401, 'no_visitor', 'open the chat first (GET /api/chat/history gives this browser its identity)');
    await limit(req, caller, { message: false });
    const userId = caller.kind === 'server' ? caller.userId : caller.visitor.userId;
    if (!userId) throw new HttpError(400, 'bad_request', 'send ?user= with the chat API key');
    const lastSeen = Number(req.get('last-event-id') ?? req.query.after ?? 0);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const page = {
      push: (m: WebchatMessage) => !res.writableEnded && !res.destroyed && (res.write(`id: ${m.id}\nevent: message\ndata: ${JSON.stringify(shown(m))}\n\n`), true),
      end: () => res.end(),
    };
    // Without Last-Event-ID the page has its history already: only what still waits is sent.
    const close = await deps.webchat.open(webRef(userId), Number.isFinite(lastSeen) && lastSeen > 0 ? lastSeen : Number.MAX_SAFE_INTEGER, page);
    await deps.store.flush();
    res.write('retry: 2000\n\n'); // the page is listening from here on
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const end = () => {
      clearInterval(heartbeat);
      close();
    };
    req.on('close', end);
    res.on('close', end);
  }));

  // The widget's script and style, loaded by other sites' pages (their origin is checked on the API).
  for (const file of ['widget.js', 'widget.css']) {
    router.get(`/${file}`, (_req, res, next) => {
      res.set({ 'cross-origin-resource-policy': 'cross-origin', 'cache-control': 'public, max-age=300' });
      res.sendFile(path.join(PUBLIC_DIR, file), (err) => err && next(err));
    });
  }

  // What the widget shows: the school's name, colours and the other ways to reach it.
  router.get('/api/chat/widget', (_req, res) => {
    const p = deps.school.get('profile');
    res.set('cache-control', 'public, max-age=300').json({
      name: p.name, shortName: p.shortName, nameEn: p.nameEn ?? p.name,
      colors: p.colors ?? { primary: '#0b6bcb', onPrimary: '#ffffff' },
      links: { zalo: p.zaloUrl ?? null, facebook: p.facebookUrl ?? null },
      phone: p.phone,
    });
  });
  return router;
}

/** The page is Loa's own (the full-page chat): same host, whatever a proxy did to the scheme. */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The inbox de-duplicates on (channel, message id): the conversation goes into the id. */
function scopedMessageId(userId: string, messageId: string): string {
  return `m_${createHash('sha256').update(`${userId}\0${messageId}`).digest('base64url')}`;
}

/** A stored message as the page shows it. */
function shown(m: WebchatMessage) {
  return { id: m.id, at: m.at, from: m.kind, ...present(m.message) };
}

function giveIdentity(req: Request, res: Response, visitor: Visitor): void {
  res.append('set-cookie', `${VISITOR_COOKIE}=${encodeURIComponent(visitor.token)}; Path=/; Max-Age=${VISITOR_COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax${req.secure ? '; Secure' : ''}`);
  res.set(VISITOR_HEADER, visitor.token);
}

/** "Start over": the old conversation can no longer be reached, so it follows nothing any more. */
async function leaveConversation(deps: WebchatRouteDeps, visitor: Visitor): Promise<void> {
  const contact = await deps.store.contacts.findByRef(webRef(visitor.userId));
  if (contact) await deps.store.subscriptions.unsubscribe(contact.id, null, deps.clock().toISOString());
}

/** The title a page showed for a payload (what the visitor tapped), for the history. */
function titleOf(recent: WebchatMessage[], payload: string): string {
  for (const m of [...recent].reverse()) {
    const q = m.message.type === 'text' ? m.message.quickReplies?.find((b) => b.payload === payload) : undefined;
    if (q) return q.title;
  }
  return payload;
}

/**
 * Keeps the exchange in the conversation's history once chat-routes has answered: what was sent
 * and the replies, stored before the answer leaves so a reload right after shows it.
 */
function recordAnswer(deps: WebchatRouteDeps, res: Response, userId: string | null, body: Record<string, unknown> | undefined, carryWaiting = false): void {
  if (!userId || !body) return;
  const json = res.json.bind(res);
  res.json = ((answer: { replies?: unknown[]; duplicate?: boolean }) => {
    if (res.statusCode !== 200 || !Array.isArray(answer?.replies) || answer.duplicate) return json(answer);
    const sent = typeof body.text === 'string' ? body.text : typeof body.payload === 'string' ? body.payload : '';
    const ref = webRef(userId);
    void (async () => {
      try {
        const recent = typeof body.payload === 'string' ? await deps.store.webchatMessages.recent(conversationKey(ref), 30) : [];
        const bot = answer.replies!;
        if (carryWaiting) {
          const waiting = (await deps.store.webchatMessages.unseen(conversationKey(ref), Number.MAX_SAFE_INTEGER, 50)).filter((m) => m.status === 'waiting');
          if (waiting.length) {
            await deps.webchat.acknowledge(ref, Math.max(...waiting.map((m) => m.id)));
            answer.replies = [...waiting.map((m) => present(m.message)), ...bot];
          }
        }
        await deps.webchat.recordExchange(ref, typeof body.payload === 'string' ? titleOf(recent, body.payload) : sent, bot.map(fromPresented));
        await deps.store.flush();
      } finally {
        json(answer);
      }
    })();
    return res;
  }) as Response['json'];
}

/** chat-routes' reply shape back to a message (text, buttons, image, link). */
function fromPresented(r: unknown): OutgoingMessage {
  const p = r as { text: string; quickReplies?: { title: string; payload: string }[]; image?: string; link?: { url: string; title: string } };
  if (p.image) return { type: 'image', url: p.image, caption: p.text || undefined };
  if (p.link) return { type: 'link', url: p.link.url, title: p.link.title, text: p.text };
  return { type: 'text', text: p.text, ...(p.quickReplies ? { quickReplies: p.quickReplies } : {}) };
}

function asyncHandler(fn: (req: Request, res: Response, next: NextFunction) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    fn(req, res, next).catch(next);
  };
}

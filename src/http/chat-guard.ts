// What stands between the open internet and the web chat: a link-code guesser is paused per
// address, and (see core/rate-limits) too many requests per address or per conversation get a 429
// in the person's language instead of a turn, an inbox row and a transcript row each.
import type { Request } from 'express';
import type { Bot } from '../core/bot.ts';
import type { Locale, Store } from '../store/types.ts';
import { chooseLocale } from '../nlu/language.ts';
import { LINK_CODE, type LinkCodeGuard } from '../features/staff/link-codes.ts';
import { HttpError } from './errors.ts';
import type { KeyedLimiter, RateLimits } from '../core/rate-limits.ts';
import { conversationKey } from '../core/messages.ts';

export interface ChatGuardDeps {
  bot: Bot;
  store: Store;
  linkGuard: LinkCodeGuard;
}

type Ref = Parameters<Store['contacts']['findByRef']>[0];

/** The language to refuse someone in: theirs if known, else the one their message is in. */
export async function refusalLocale(store: Store, ref: Ref, text: string) {
  const contact = await store.contacts.findByRef(ref);
  return chooseLocale(text, contact?.locale ?? null);
}

export const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Link codes are never accepted on the web chat; an address that keeps sending them is paused. */
export async function guardLinkCodes(deps: ChatGuardDeps, req: Request, ref: Ref, text: string | undefined): Promise<void> {
  if (text === undefined || !LINK_CODE.test(text)) return;
  const key = `ip:${clientAddress(req)}`;
  if (deps.linkGuard.paused(key)) {
    throw new HttpError(429, 'rate_limited', deps.bot.text(await refusalLocale(deps.store, ref, text), 'staff.code_paused'));
  }
  deps.linkGuard.fail(key);
}

export interface RateGuardDeps {
  store: Store;
  limits?: RateLimits;
  /** The refusal, in the person's language. */
  tooMany: (locale: Locale) => string;
}

/**
 * The web chat's one limit, on every endpoint a page calls (see webchat-routes): per address and
 * per conversation, a request over the limit is refused before anything is recorded, with a 429 in
 * the person's language and Retry-After. An address may start only so many new conversations an
 * hour, however many visitor identities it makes up (each new identity is a new conversation).
 * `perAddress: false` for a CHAT_API_KEY holder: one server speaking for many parents, each of
 * whose conversations keeps its own limit.
 */
export async function guardRate(deps: RateGuardDeps, req: Request, ref: Ref | null, text: string | undefined, options: { newConversation: boolean; perAddress: boolean }): Promise<void> {
  const { limits } = deps;
  if (!limits) return;
  const ip = clientAddress(req);
  const conversation = ref ? conversationKey(ref) : null;
  let refused: [KeyedLimiter, string] | null = null;
  if (options.perAddress && !limits.take(limits.chatIp, ip)) refused = [limits.chatIp, ip];
  else if (conversation && !limits.take(limits.chatConversation, conversation)) refused = [limits.chatConversation, conversation];
  let contact: Awaited<ReturnType<Store['contacts']['findByRef']>> | undefined;
  if (!refused && ref && options.perAddress && options.newConversation && limits.newContactsIp.on) {
    contact = await deps.store.contacts.findByRef(ref);
    if (!contact && !limits.take(limits.newContactsIp, ip)) refused = [limits.newContactsIp, ip];
  }
  if (!refused) return;
  if (contact === undefined && ref) contact = await deps.store.contacts.findByRef(ref);
  const seconds = Math.max(1, Math.ceil(refused[0].waitMs(refused[1]) / 1000));
  const e = new HttpError(429, 'rate_limited', deps.tooMany(chooseLocale(text ?? '', contact?.locale ?? null)), { retryAfterSeconds: seconds });
  e.retryAfter = seconds;
  throw e;
}

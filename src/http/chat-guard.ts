// What stands between the open internet and the web chat: a link-code guesser is paused per
// address, and (see rate-limits) too many messages per address or per conversation get a 429 in
// the person's language instead of a turn, an inbox row and a transcript row each.
import type { Request } from 'express';
import type { Bot } from '../core/bot.ts';
import type { Store } from '../store/types.ts';
import { chooseLocale } from '../nlu/language.ts';
import { LINK_CODE, type LinkCodeGuard } from '../features/staff/link-codes.ts';
import { HttpError } from './errors.ts';
import type { RateLimits } from '../core/rate-limits.ts';

export interface ChatGuardDeps {
  bot: Bot;
  store: Store;
  linkGuard: LinkCodeGuard;
  limits?: RateLimits;
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

/**
 * Per address and per conversation: a message over the limit is refused before it is recorded,
 * with a 429 in the person's language. An address may start only so many new conversations an hour.
 */
export async function guardRate(deps: ChatGuardDeps, req: Request, ref: Ref, text: string | undefined): Promise<void> {
  const { limits } = deps;
  if (!limits) return;
  const ip = clientAddress(req);
  let ok = limits.take(limits.chatIp, ip) && limits.take(limits.chatConversation, ref.userId);
  let contact: Awaited<ReturnType<Store['contacts']['findByRef']>> | undefined;
  if (ok && limits.newContactsIp.on) {
    contact = await deps.store.contacts.findByRef(ref);
    if (!contact) ok = limits.take(limits.newContactsIp, ip);
  }
  if (ok) return;
  contact ??= await deps.store.contacts.findByRef(ref);
  const locale = chooseLocale(text ?? '', contact?.locale ?? null);
  throw new HttpError(429, 'rate_limited', deps.bot.text(locale, 'limits.too_many'));
}

// What stands between the open internet and the web chat: a link-code guesser is paused per
// address, and (see rate-limits) too many messages per address or per conversation get a 429 in
// the person's language instead of a turn, an inbox row and a transcript row each.
import type { Request } from 'express';
import type { Bot } from '../core/bot.ts';
import type { Store } from '../store/types.ts';
import { chooseLocale } from '../nlu/language.ts';
import { LINK_CODE, type LinkCodeGuard } from '../features/staff/link-codes.ts';
import { HttpError } from './errors.ts';

export interface ChatGuardDeps {
  bot: Bot;
  store: Store;
  linkGuard: LinkCodeGuard;
}

/** The language to refuse someone in: theirs if known, else the one their message is in. */
export async function refusalLocale(store: Store, ref: Parameters<Store['contacts']['findByRef']>[0], text: string) {
  const contact = await store.contacts.findByRef(ref);
  return chooseLocale(text, contact?.locale ?? null);
}

export const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Link codes are never accepted on the web chat; an address that keeps sending them is paused. */
export async function guardLinkCodes(deps: ChatGuardDeps, req: Request, ref: Parameters<Store['contacts']['findByRef']>[0], text: string | undefined): Promise<void> {
  if (text === undefined || !LINK_CODE.test(text)) return;
  const key = `ip:${clientAddress(req)}`;
  if (deps.linkGuard.paused(key)) {
    throw new HttpError(429, 'rate_limited', deps.bot.text(await refusalLocale(deps.store, ref, text), 'staff.code_paused'));
  }
  deps.linkGuard.fail(key);
}

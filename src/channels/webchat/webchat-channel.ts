// The web chat as an outbound channel like the others: what the school sends a web visitor (a
// staff reply, an alert for linked staff, an announcement) is kept in the conversation's messages
// and pushed at once to every page of that visitor that is open; a closed page gets it on its next
// visit, in order, once. A message counts as delivered when a page says it has it (its
// acknowledgement, or the history it fetched), not when it was written to a connection that may
// be dead; what no page took within the configured time expires, and an announcement's delivery
// says so ("waiting", then "delivered" or "expired").
import type { Logger } from 'pino';
import type { ConversationRef, OutgoingMessage } from '../../core/messages.ts';
import { conversationKey } from '../../core/messages.ts';
import type { Store, WebchatMessage, WebchatMessageKind } from '../../store/types.ts';
import type { OutboundChannel, SendPurpose, SendResult } from '../channel.ts';
import type { Job } from '../../jobs/scheduler.ts';

/** An open page of a visitor (a server-sent events stream). */
export interface OpenPage {
  /** Writes one message; false when the page has gone. */
  push(message: WebchatMessage): boolean;
  /** Ends the stream (Loa is stopping; the page reconnects to the next process). */
  end(): void;
}

export const HISTORY_LIMIT = 50;
/** History older than this is forgotten (what still waits for a page is kept until it expires). */
const HISTORY_DAYS = 90;

export class WebchatChannel implements OutboundChannel {
  readonly name = 'webchat' as const;
  private readonly pages = new Map<string, Set<OpenPage>>();

  constructor(
    private readonly deps: {
      store: Store; clock: () => Date; logger: Logger; ttlHours: number;
      /** Messages a page received after waiting, or that expired (the comments note their replies'). */
      onReceipt?: (messages: WebchatMessage[], outcome: 'delivered' | 'expired', at: string) => Promise<void>;
    },
  ) {}

  /** Pages open now (for tests and the bench). */
  get openPages(): number {
    let n = 0;
    for (const set of this.pages.values()) n += set.size;
    return n;
  }

  async send(ref: ConversationRef, message: OutgoingMessage, purpose: SendPurpose): Promise<SendResult> {
    const key = conversationKey(ref);
    const now = this.deps.clock();
    const kind: WebchatMessageKind = purpose === 'human' ? 'staff' : purpose === 'reply' ? 'bot' : 'notice';
    const expiresAt = new Date(now.getTime() + this.deps.ttlHours * 3_600_000).toISOString();
    const [stored] = await this.deps.store.webchatMessages.append([
      { conversationKey: key, at: now.toISOString(), kind, message, status: 'waiting', deliveryId: null, expiresAt },
    ]);
    for (const page of this.pages.get(key) ?? []) page.push(stored);
    return { status: 'sent', platformMessageId: `webchat-${stored.id}`, webchatMessageId: stored.id };
  }

  /**
   * The dispatcher ties an announcement's delivery to the messages that carry it, after sending
   * (so nothing rides on the send call's arguments, which wrappers such as metrics may not pass on).
   * A page may have acknowledged them already: then the delivery is delivered now, else it waits.
   */
  async attachDelivery(messageIds: number[], deliveryId: number): Promise<void> {
    const { store, clock } = this.deps;
    const messages = await store.webchatMessages.attachDelivery(messageIds, deliveryId);
    if (messages.some((m) => m.status === 'delivered')) await store.deliveries.markDelivered([deliveryId], clock().toISOString());
    else await store.deliveries.markWaiting(deliveryId);
  }

  /** A page says it has every message up to `upTo`: those that waited are delivered now. */
  async acknowledge(ref: ConversationRef, upTo: number): Promise<number> {
    const waiting = await this.deps.store.webchatMessages.unseen(conversationKey(ref), Number.MAX_SAFE_INTEGER, 500);
    const taken = waiting.filter((m) => m.id <= upTo);
    await this.received(taken);
    return taken.length;
  }

  /**
   * A page opens its stream: it gets what it has not had (still waiting, or newer than the last
   * message it saw), then every new message live until it closes. Returns the way to close it.
   */
  async open(ref: ConversationRef, lastSeenId: number, page: OpenPage): Promise<() => void> {
    const key = conversationKey(ref);
    let set = this.pages.get(key);
    if (!set) this.pages.set(key, (set = new Set()));
    set.add(page);
    const close = () => {
      const s = this.pages.get(key);
      s?.delete(page);
      if (s && !s.size) this.pages.delete(key);
    };
    for (const m of await this.deps.store.webchatMessages.unseen(key, lastSeenId, 500)) page.push(m);
    return close;
  }

  /**
   * The conversation's recent messages for a page that opens; what was waiting counts as received
   * now (and is marked unread for the page).
   */
  async history(ref: ConversationRef, limit = HISTORY_LIMIT): Promise<(WebchatMessage & { unread: boolean })[]> {
    // What expired was never received: it is not shown later as if it had been.
    const messages = (await this.deps.store.webchatMessages.recent(conversationKey(ref), limit)).filter((m) => m.status !== 'expired');
    await this.received(messages.filter((m) => m.status === 'waiting'));
    return messages.map((m) => (m.status === 'waiting' ? { ...m, status: 'delivered' as const, unread: true } : { ...m, unread: false }));
  }

  /** One exchange of the page's own request: what the visitor sent and the bot's answer, both seen. */
  async recordExchange(ref: ConversationRef, sent: string, replies: OutgoingMessage[]): Promise<WebchatMessage[]> {
    const key = conversationKey(ref);
    const at = this.deps.clock().toISOString();
    const row = (kind: WebchatMessageKind, message: OutgoingMessage) => ({ conversationKey: key, at, kind, message, status: 'delivered' as const, deliveryId: null, expiresAt: null });
    return this.deps.store.webchatMessages.append([row('visitor', { type: 'text', text: sent }), ...replies.map((r) => row('bot', r))]);
  }

  /** Job: messages no page fetched in time expire; their announcements' deliveries say so. */
  async expireDue(): Promise<number> {
    const { store, clock } = this.deps;
    let total = 0;
    for (;;) {
      const expired = await store.webchatMessages.expire(clock().toISOString(), 1000);
      const deliveries = [...new Set(expired.map((m) => m.deliveryId).filter((id): id is number => id !== null))];
      if (deliveries.length) await store.deliveries.markExpired(deliveries, `the visitor did not open the web chat within ${this.deps.ttlHours} hours`);
      if (expired.length) await this.deps.onReceipt?.(expired, 'expired', clock().toISOString());
      total += expired.length;
      if (expired.length < 1000) break;
    }
    await store.webchatMessages.prune(new Date(clock().getTime() - HISTORY_DAYS * 86_400_000).toISOString());
    await store.flush();
    return total;
  }

  /** Ends every open stream: on shutdown, so that the server can close. */
  closeAll(): void {
    for (const set of this.pages.values()) for (const page of set) page.end();
    this.pages.clear();
  }

  get jobs(): Job[] {
    return [{ name: 'webchat-expire', cron: '*/5 * * * *', run: () => this.expireDue().then(() => undefined) }];
  }

  /** waiting → delivered, for the messages and for the announcements they carry. */
  private async received(messages: WebchatMessage[]): Promise<void> {
    if (!messages.length) return;
    const at = this.deps.clock().toISOString();
    const changed = await this.deps.store.webchatMessages.markDelivered(messages.map((m) => m.id), at);
    const deliveries = changed.map((m) => m.deliveryId).filter((id): id is number => id !== null);
    if (deliveries.length) await this.deps.store.deliveries.markDelivered(deliveries, at);
    if (changed.length > deliveries.length) await this.deps.onReceipt?.(changed, 'delivered', at);
  }
}

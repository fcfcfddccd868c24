// Every message to a platform goes through here: persisted first, then sent in order per
// conversation, with retries (exponential back-off with jitter) for temporary failures and a
// recorded reason for permanent ones. A message marked "sending" when the process died is never
// sent again automatically ("uncertain"): nobody gets a message twice.
import type { Logger } from 'pino';
import type { ChannelName, ConversationRef, OutgoingMessage } from './messages.ts';
import { conversationKey } from './messages.ts';
import type { OutboxItem, Store } from '../store/types.ts';
import type { OutboundChannel, SendPurpose, SendResult } from '../channels/channel.ts';
import type { ReplyDelivery } from './pipeline.ts';
import { backoffMs } from './backoff.ts';
import { InFlightLimit } from './in-flight.ts';

export interface OutboxOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  pollMs?: number;
  random?: () => number;
  /** Platform calls on the wire at once, per channel (below the HTTP thread's 64 sockets). */
  maxInFlightPerChannel?: number;
}

export class Outbox implements ReplyDelivery {
  private readonly channels = new Map<ChannelName, OutboundChannel>();
  private readonly flushing = new Map<string, Promise<void>>();
  /** Messages just stored, by conversation, until a flush sends them: not read back from the store. */
  private readonly stored = new Map<string, OutboxItem[]>();
  private readonly background = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly opts: Required<OutboxOptions>;
  private readonly inFlight = new Map<ChannelName, InFlightLimit>();

  constructor(
    private readonly deps: { store: Store; logger: Logger; clock: () => Date },
    options: OutboxOptions = {},
  ) {
    this.opts = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 5 * 60_000, pollMs: 1000, random: Math.random, maxInFlightPerChannel: 32, ...options };
  }

  register(channel: OutboundChannel): void {
    this.channels.set(channel.name, channel);
  }

  has(channel: ChannelName): boolean {
    return this.channels.has(channel);
  }

  /**
   * Replies after a turn: stored (in order) before this returns, then sent in the background, so
   * the turn's slot is free while the platform answers. The outbox keeps each conversation's order.
   */
  async deliver(ref: ConversationRef, messages: OutgoingMessage[]): Promise<void> {
    const key = await this.store(ref, messages, 'reply');
    if (!key) return;
    const sending = this.flush(key).catch((err) => this.deps.logger.error({ err }, 'reply delivery failed'));
    this.background.add(sending);
    void sending.finally(() => this.background.delete(sending));
  }

  /** Resolves when every reply handed over so far has been tried. */
  async settle(): Promise<void> {
    while (this.background.size) await Promise.all([...this.background]);
  }

  /** Alerts and announcements: the platform's window rules apply. */
  async sendProactive(ref: ConversationRef, messages: OutgoingMessage[]): Promise<void> {
    await this.enqueue(ref, messages, 'proactive');
  }

  /** A message a member of staff wrote to a parent. */
  async sendFromStaff(ref: ConversationRef, text: string): Promise<void> {
    await this.enqueue(ref, [{ type: 'text', text }], 'human');
  }

  private async enqueue(ref: ConversationRef, messages: OutgoingMessage[], purpose: SendPurpose): Promise<void> {
    const key = await this.store(ref, messages, purpose);
    if (key) await this.flush(key);
  }

  /** Persists the messages (split as the platform needs); returns the conversation key. */
  private async store(ref: ConversationRef, messages: OutgoingMessage[], purpose: SendPurpose): Promise<string | null> {
    if (messages.length === 0) return null;
    const key = conversationKey(ref);
    const channel = this.channels.get(ref.channel);
    const parts = channel?.prepare ? messages.flatMap((m) => channel.prepare!(m)) : messages;
    const items = await this.deps.store.outbox.enqueue(parts.map((message) => ({ conversationKey: key, ref, message, purpose })), this.deps.clock().toISOString());
    const waiting = this.stored.get(key);
    if (waiting) waiting.push(...items);
    else this.stored.set(key, items);
    return key;
  }

  /** Sends what is due for one conversation; one flush per conversation at a time. */
  flush(key: string): Promise<void> {
    const running = this.flushing.get(key);
    if (running) return running.then(() => this.flush(key));
    const p = this.flushConversation(key).finally(() => {
      this.flushing.delete(key);
      this.stored.delete(key); // what is left waits for a retry, and is read from the store then
    });
    this.flushing.set(key, p);
    return p;
  }

  /** Sends everything that is due now (retries, deferred night messages). */
  async flushDue(): Promise<void> {
    const keys = await this.deps.store.outbox.dueConversations(this.deps.clock().toISOString(), 500);
    await Promise.all(keys.map((k) => this.flush(k)));
  }

  /** At start: what a crash left in "sending" becomes uncertain; then retries start. */
  async start(): Promise<void> {
    const uncertain = await this.deps.store.outbox.markStaleSendingUncertain();
    if (uncertain) this.deps.logger.warn({ uncertain }, 'messages left mid-send by the last run are marked uncertain, not re-sent');
    this.timer = setInterval(() => {
      this.flushDue().catch((err) => this.deps.logger.error({ err }, 'outbox flush failed'));
    }, this.opts.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.settle();
    await Promise.all([...this.flushing.values()]);
  }

  private async flushConversation(key: string): Promise<void> {
    const { store, clock } = this.deps;
    const limit = this.limitFor(key.slice(0, key.indexOf(':')) as ChannelName);
    for (;;) {
      // A slot first, then "sending": a message is marked sending only when its call goes out.
      const release = await limit.acquire();
      try {
        if (!(await this.sendOne(key))) return;
      } finally {
        release();
      }
    }
  }

  private limitFor(channel: ChannelName): InFlightLimit {
    let limit = this.inFlight.get(channel);
    if (!limit) this.inFlight.set(channel, (limit = new InFlightLimit(this.opts.maxInFlightPerChannel)));
    return limit;
  }

  /** Claims and sends the conversation's next message; false when the conversation must wait. */
  private async sendOne(key: string): Promise<boolean> {
    const { store, clock } = this.deps;
    const id = await store.outbox.claimNext(key, clock().toISOString());
    if (id === null) return false;
    const item = this.stored.get(key)?.find((i) => i.id === id) ?? (await store.outbox.get(id));
    if (!item) return false;
    await store.flush(); // "sending" is on disk before the platform is called: never sent twice
    const result = await this.attempt(item);
    const now = clock();
    if (result.status === 'sent') {
      await store.outbox.markSent(item.id, now.toISOString(), result.platformMessageId);
    } else if (result.status === 'failed') {
      await store.outbox.markFailed(item.id, now.toISOString(), result.reason);
      this.deps.logger.warn({ channel: item.ref.channel, reason: result.reason, id: item.id }, 'message not delivered');
    } else {
      const attempts = item.attempts + 1;
      if (attempts >= this.opts.maxAttempts && !result.notBefore) {
        await store.outbox.markFailed(item.id, now.toISOString(), `gave up after ${attempts} attempts: ${result.reason}`);
        return true;
      }
      const at = result.notBefore ?? new Date(now.getTime() + Math.max(result.afterMs ?? 0, backoffMs(attempts - 1, this.opts.baseDelayMs, this.opts.maxDelayMs, this.opts.random)));
      await store.outbox.reschedule(item.id, at.toISOString(), result.notBefore ? item.attempts : attempts, result.reason);
      return false; // keep the conversation's order: later messages wait for this one
    }
    return true;
  }

  private async attempt(item: OutboxItem): Promise<SendResult> {
    const channel = this.channels.get(item.ref.channel);
    if (!channel) return { status: 'failed', reason: `channel ${item.ref.channel} is not configured` };
    try {
      return await channel.send(item.ref, item.message, item.purpose);
    } catch (err) {
      // Adapters map what they know; anything else (a bug, a network surprise) is worth a retry.
      return { status: 'retry-later', reason: (err as Error).message };
    }
  }
}

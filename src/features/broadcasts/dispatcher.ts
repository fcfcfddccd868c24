// Sends broadcast deliveries: claims batches with a lease (several processes can share the work),
// keeps to a rate per channel and account, honours leaving at once, defers Zalo's night hours, and
// marks each delivery "sending" on disk before the platform call and "sent" after, so a crash
// leaves "uncertain" rows that are never sent again. Replies to parents use the outbox, not this.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Broadcast, Delivery, Store } from '../../store/types.ts';
import type { ChannelName } from '../../core/messages.ts';
import type { OutboundChannel } from '../../channels/channel.ts';
import { TokenBucket } from '../../core/rate-limiter.ts';
import { backoffMs } from '../../core/backoff.ts';
import type { BroadcastService } from './broadcast-service.ts';

/** Messages per second per channel and account; null (or missing) lifts the limit. */
export type RateLimits = Partial<Record<ChannelName, number | null>>;

// Outside the platform's window the message is not sent at all: skipped, not failed.
const SKIP_REASONS = new Set(['outside_window']);

export interface DispatcherOptions {
  rates?: RateLimits;
  batchSize?: number;
  concurrency?: number;
  leaseMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  holder?: string;
}

export class Dispatcher {
  readonly holder: string;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly opts: Required<Omit<DispatcherOptions, 'holder'>>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: {
      store: Store; service: BroadcastService; channels: Map<ChannelName, OutboundChannel>; logger: Logger; clock: () => Date;
      /** Ties web chat messages to their delivery (see WebchatChannel.attachDelivery). */
      webchat?: { attachDelivery(messageIds: number[], deliveryId: number): Promise<void> };
    },
    options: DispatcherOptions = {},
  ) {
    this.holder = options.holder ?? `dispatcher-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.opts = { batchSize: 200, concurrency: 16, leaseMs: 60_000, maxAttempts: 5, pollMs: 500, rates: {}, ...options };
  }

  async start(): Promise<void> {
    const uncertain = await this.deps.store.deliveries.markStaleSendingUncertain();
    if (uncertain) this.deps.logger.warn({ uncertain }, 'deliveries left mid-send by the last run are marked uncertain, never re-sent');
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.deps.service.tick();
        const sent = await this.runOnce();
        this.timer = setTimeout(loop, sent > 0 ? 0 : this.opts.pollMs);
      } catch (err) {
        this.deps.logger.error({ err }, 'dispatcher round failed');
        this.timer = setTimeout(loop, this.opts.pollMs * 4);
      }
      this.timer?.unref?.();
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One batch: claim, then send with bounded concurrency. Returns how many were handled. */
  runOnce(): Promise<number> {
    this.running ??= this.round().finally(() => { this.running = null; });
    return this.running;
  }

  /** Sends until nothing is due (tests and the benchmark). */
  async drain(): Promise<void> {
    await this.deps.service.tick();
    while ((await this.runOnce()) > 0) await this.deps.service.tick();
    await this.deps.service.tick();
  }

  private async round(): Promise<number> {
    const { store, clock } = this.deps;
    const batch = await store.deliveries.claim(this.holder, clock(), this.opts.batchSize, this.opts.leaseMs);
    if (batch.length === 0) return 0;
    const broadcasts = new Map<number, Broadcast | null>();
    const broadcastOf = async (id: number) => {
      if (!broadcasts.has(id)) broadcasts.set(id, await store.broadcasts.get(id));
      return broadcasts.get(id)!;
    };
    let next = 0;
    const worker = async () => {
      while (next < batch.length && !this.stopped) {
        const d = batch[next++];
        await this.deliver(d, await broadcastOf(d.broadcastId));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, batch.length) }, worker));
    return batch.length;
  }

  private async deliver(d: Delivery, b: Broadcast | null): Promise<void> {
    const { store, clock } = this.deps;
    const now = () => clock().toISOString();
    if (!b || b.status === 'cancelled') return store.deliveries.finish(d.id, 'cancelled', 'broadcast cancelled', now());
    // Leaving is honoured at once, even in the middle of a broadcast.
    if (d.contactId && !(await store.subscriptions.follows(d.contactId, b.audience.groups))) {
      return store.deliveries.finish(d.id, 'skipped', 'unsubscribed', now());
    }
    const channel = this.deps.channels.get(d.channel);
    if (!channel) return store.deliveries.finish(d.id, 'failed', `channel ${d.channel} is not configured`, now());
    const quietUntil = channel.quietUntil?.(clock());
    if (quietUntil) return store.deliveries.reschedule(d.id, quietUntil.toISOString(), d.attempts, 'night_hours');
    await this.takeToken(d);
    if (!(await store.deliveries.markSending(d.id, this.holder))) return; // another dispatcher took it over
    await store.flush(); // on disk before the call: a crash now leaves "uncertain", never a second copy
    const messages = this.deps.service.render(b, d).flatMap((m) => channel.prepare?.(m) ?? [m]);
    const webchatMessages: number[] = [];
    for (const message of messages) {
      let result;
      try {
        result = await channel.send(d.ref, message, 'proactive');
      } catch (err) {
        result = { status: 'retry-later' as const, reason: (err as Error).message };
      }
      if (result.status === 'sent') {
        if (result.webchatMessageId !== undefined) webchatMessages.push(result.webchatMessageId);
        continue;
      }
      if (result.status === 'failed') {
        return store.deliveries.finish(d.id, SKIP_REASONS.has(result.reason) ? 'skipped' : 'failed', result.reason, now());
      }
      // Retry later: only a delivery none of whose parts went out may be tried again.
      if (message !== messages[0]) return store.deliveries.finish(d.id, 'failed', `partly sent, then: ${result.reason}`, now());
      if (d.attempts + 1 >= this.opts.maxAttempts && !result.notBefore) {
        return store.deliveries.finish(d.id, 'failed', `gave up after ${d.attempts + 1} attempts: ${result.reason}`, now());
      }
      const wait = result.notBefore ? result.notBefore.getTime() - clock().getTime() : Math.max(result.afterMs ?? 0, backoffMs(d.attempts, 1000, 5 * 60_000));
      return store.deliveries.reschedule(d.id, new Date(clock().getTime() + wait).toISOString(), d.attempts + 1, result.reason);
    }
    // The web chat's messages wait for a page of the visitor: "delivered" when one says it has them.
    if (webchatMessages.length && this.deps.webchat) await this.deps.webchat.attachDelivery(webchatMessages, d.id);
    else await store.deliveries.finish(d.id, 'sent', null, now());
  }

  /** Waits for the channel and account's rate: a token bucket with a burst of about 50 ms. */
  private async takeToken(d: Delivery): Promise<void> {
    const rate = this.opts.rates[d.channel];
    if (!rate) return;
    const key = `${d.channel}:${d.ref.accountId}`;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(Math.max(1, Math.floor(rate / 20)), rate * 60)));
    for (;;) {
      const t = bucket.take();
      if (t.ok) return;
      await new Promise((r) => setTimeout(r, t.waitMs));
    }
  }
}

// Inbound events: recorded in the inbox (idempotent on channel + message id) before the webhook
// is acknowledged, then processed after the ack, one at a time per conversation. Events recorded
// but not processed (a crash, a restart) are processed again on boot. At most `maxInMemory` turns
// wait in memory: in a flood the rest wait in the inbox, where they already are, and are read
// back, oldest first, as the queue empties.
import type { Logger } from 'pino';
import type { InboxEntry, Store } from '../store/types.ts';
import { conversationKey, type ConversationRef, type IncomingEvent, type OutgoingMessage } from './messages.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { storableEvent } from './raw-payload.ts';
import { isStorageFailure } from '../store/store-errors.ts';
import type { Bot, TurnResult } from './bot.ts';

/** Where replies go once a turn is done: the channel adapters' outbound halves. */
export interface ReplyDelivery {
  /** Stores the replies (in order) and sends them; may return before they are sent. */
  deliver(ref: ConversationRef, messages: OutgoingMessage[]): Promise<void>;
  /** Resolves when everything handed over so far has been tried. */
  settle?(): Promise<void>;
}

export interface Received {
  /** False when the inbox already had this event: no second turn. */
  inserted: boolean;
  /** Settles when the turn is done (for synchronous channels such as the web chat). */
  turn: Promise<TurnResult | null>;
  /** For a duplicate: the entry recorded first. */
  entry?: InboxEntry;
}

export class Pipeline {
  private readonly queue: KeyedQueue;
  private accepting = true;
  private readonly maxInMemory: number;
  /** Inbox ids whose turns are queued or running in memory, with their turns. */
  private readonly inMemory = new Map<number, Promise<TurnResult | null>>();
  /** Recorded events wait in the inbox only: new ones join them there, to keep each conversation's order. */
  private backlog = false;
  /** A receive() left an event in the inbox while a refill was reading it. */
  private leftBehind = false;
  private refilling: Promise<number> | null = null;

  constructor(
    private readonly deps: {
      store: Store; bot: Bot; delivery: ReplyDelivery; logger: Logger; clock: () => Date; maxConcurrent?: number; maxInMemory?: number;
      /** After each turn, before its replies go out (a confirmed erasure, the privacy notice). */
      afterTurn?: (event: IncomingEvent, result: TurnResult) => Promise<void>;
    },
  ) {
    this.queue = new KeyedQueue({ maxConcurrent: deps.maxConcurrent });
    this.maxInMemory = deps.maxInMemory ?? 5000;
  }

  /** Turns queued or running in memory now. */
  get turnsInMemory(): number {
    return this.inMemory.size;
  }

  /**
   * Records the event, queues its turn, and returns before the turn runs. In a flood the turn waits
   * in the inbox instead (and `turn` settles at once); the web chat, which waits for its answer,
   * is always queued.
   */
  async receive(incoming: IncomingEvent): Promise<Received> {
    if (!this.accepting) throw new PipelineClosedError();
    const event = storableEvent(incoming);
    const key = conversationKey(event.ref);
    const { inserted, entry } = await this.deps.store.inbox.record(event, key, this.deps.clock().toISOString());
    if (!inserted) return { inserted: false, entry, turn: Promise.resolve(null) };
    if (event.ref.channel !== 'webchat' && (this.backlog || this.inMemory.size >= this.maxInMemory)) {
      if (!this.backlog) this.deps.logger.warn({ turnsInMemory: this.inMemory.size }, 'flood: new messages wait in the inbox until the queue empties');
      this.backlog = true;
      this.leftBehind = true;
      return { inserted: true, turn: Promise.resolve(null) };
    }
    return { inserted: true, turn: this.enqueue(entry.id, key, event) };
  }

  /** Makes the recorded events durable: call before acknowledging them to the platform. */
  async commit(): Promise<void> {
    await this.deps.store.flush();
  }

  /** Queues the recorded-but-unprocessed events, oldest first (as many as fit). Returns how many. */
  async recover(): Promise<number> {
    this.backlog = true;
    const count = await this.refill();
    if (count) this.deps.logger.info({ count, more: this.backlog }, 'recovering unprocessed events');
    return count;
  }

  /** Stops taking new events and waits for the turns in flight. */
  async close(): Promise<void> {
    this.accepting = false;
    await this.drain();
  }

  /** Resolves when every turn queued so far (in memory or in the inbox) is done and its replies tried. */
  async drain(): Promise<void> {
    for (;;) {
      await this.queue.drain();
      if (this.refilling) await this.refilling;
      else if (this.backlog) await this.refill();
      if (!this.backlog && !this.inMemory.size) break;
    }
    await this.deps.delivery.settle?.();
  }

  /**
   * The answer to a message already recorded (a web-chat retry with the same messageId): the
   * replies stored with it once processed; its turn, awaited, while it runs; and when a crash left
   * it recorded but unanswered, its turn now. Null when its turn failed.
   */
  async answerAgain(entry: InboxEntry): Promise<OutgoingMessage[] | null> {
    const running = this.inMemory.get(entry.id);
    if (running) return (await running.catch(() => null))?.replies ?? null;
    const current = (await this.deps.store.inbox.get(entry.id)) ?? entry;
    if (current.status === 'processed') return current.replies ?? [];
    if (current.status === 'failed' || !current.event) return null;
    const again = this.inMemory.get(entry.id) ?? this.enqueue(current.id, current.conversationKey, current.event);
    return (await again.catch(() => null))?.replies ?? null;
  }

  private enqueue(inboxId: number, key: string, event: IncomingEvent): Promise<TurnResult | null> {
    const queued = this.inMemory.get(inboxId);
    if (queued) return queued; // a retry and a refill may ask for the same event
    const turn = this.queue.run(key, () => this.process(inboxId, event));
    this.inMemory.set(inboxId, turn);
    // Failures are logged and recorded in process(); callers may ignore the turn.
    void turn.catch(() => undefined).finally(() => {
      this.inMemory.delete(inboxId);
      if (this.backlog && this.inMemory.size <= this.maxInMemory / 2) {
        this.refill().catch((err) => this.deps.logger.error({ err }, 'reading waiting events back from the inbox failed'));
      }
    });
    return turn;
  }

  /** Reads waiting events back from the inbox into the queue, oldest first, while there is room. */
  private refill(): Promise<number> {
    this.refilling ??= (async () => {
      let queued = 0;
      try {
        for (;;) {
          this.leftBehind = false;
          const room = this.maxInMemory - this.inMemory.size;
          if (room <= 0) return queued; // the turns that finish call again
          // The oldest pending events: those already in memory, then the ones to bring in.
          const pending = await this.deps.store.inbox.listPending(this.maxInMemory);
          const fresh = pending.filter((p) => !this.inMemory.has(p.id)).slice(0, room);
          for (const p of fresh) if (p.event) void this.enqueue(p.id, p.conversationKey, p.event); // enqueue() handles failures
          queued += fresh.length;
          // Caught up when the inbox had nothing more and no receive() left an event there meanwhile.
          if (pending.length < this.maxInMemory && !this.leftBehind) {
            this.backlog = false;
            return queued;
          }
        }
      } finally {
        this.refilling = null;
      }
    })();
    return this.refilling;
  }

  private async process(inboxId: number, event: IncomingEvent): Promise<TurnResult | null> {
    const { store, bot, delivery, logger, clock } = this.deps;
    try {
      const result = await bot.runTurn(event);
      await this.deps.afterTurn?.(event, result);
      // The web chat answers in the HTTP response: its replies are kept for a retry of the same message.
      await store.inbox.markDone(inboxId, 'processed', clock().toISOString(), undefined, event.ref.channel === 'webchat' ? result.replies : undefined);
      if (event.ref.channel !== 'webchat' && result.replies.length) await delivery.deliver(event.ref, result.replies);
      return result;
    } catch (err) {
      // The store could not write (full disk): the event stays pending, and is processed again
      // once writes work (the store's recovery re-reads the inbox). Only a real failure is final.
      if (isStorageFailure(err)) {
        logger.warn({ inboxId }, 'event left pending: the store cannot write now');
        throw err;
      }
      logger.error({ err, inboxId }, 'event processing failed');
      await store.inbox.markDone(inboxId, 'failed', clock().toISOString(), (err as Error).message).catch(() => undefined);
      throw err;
    }
  }
}

export class PipelineClosedError extends Error {
  constructor() {
    super('Loa is shutting down and takes no new messages');
  }
}

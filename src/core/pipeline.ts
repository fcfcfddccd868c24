// Inbound events: recorded in the inbox (idempotent on channel + message id) before the webhook
// is acknowledged, then processed after the ack, one at a time per conversation. Events recorded
// but not processed (a crash, a restart) are processed again on boot.
import type { Logger } from 'pino';
import type { Store } from '../store/types.ts';
import { conversationKey, type ConversationRef, type IncomingEvent, type OutgoingMessage } from './messages.ts';
import { KeyedQueue } from './keyed-queue.ts';
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
}

export class Pipeline {
  private readonly queue: KeyedQueue;
  private accepting = true;

  constructor(
    private readonly deps: { store: Store; bot: Bot; delivery: ReplyDelivery; logger: Logger; clock: () => Date; maxConcurrent?: number },
  ) {
    this.queue = new KeyedQueue({ maxConcurrent: deps.maxConcurrent });
  }

  /** Records the event, queues its turn, and returns before the turn runs. */
  async receive(event: IncomingEvent): Promise<Received> {
    if (!this.accepting) throw new PipelineClosedError();
    const key = conversationKey(event.ref);
    const { inserted, entry } = await this.deps.store.inbox.record(event, key, this.deps.clock().toISOString());
    if (!inserted) return { inserted: false, turn: Promise.resolve(null) };
    const turn = this.queue.run(key, () => this.process(entry.id, event));
    turn.catch(() => undefined); // failures are logged and recorded in process()
    return { inserted: true, turn };
  }

  /** Makes the recorded events durable: call before acknowledging them to the platform. */
  async commit(): Promise<void> {
    await this.deps.store.flush();
  }

  /** Queues every recorded-but-unprocessed event, oldest first. Returns how many. */
  async recover(): Promise<number> {
    const pending = await this.deps.store.inbox.listPending();
    for (const entry of pending) {
      void this.queue.run(entry.conversationKey, () => this.process(entry.id, entry.event)).catch(() => undefined);
    }
    if (pending.length) this.deps.logger.info({ count: pending.length }, 'recovering unprocessed events');
    return pending.length;
  }

  /** Stops taking new events and waits for the turns in flight. */
  async close(): Promise<void> {
    this.accepting = false;
    await this.drain();
  }

  /** Resolves when every turn queued so far is done and its replies have been tried. */
  async drain(): Promise<void> {
    await this.queue.drain();
    await this.deps.delivery.settle?.();
  }

  private async process(inboxId: number, event: IncomingEvent): Promise<TurnResult | null> {
    const { store, bot, delivery, logger, clock } = this.deps;
    try {
      const result = await bot.runTurn(event);
      await store.inbox.markDone(inboxId, 'processed', clock().toISOString());
      if (event.ref.channel !== 'webchat' && result.replies.length) await delivery.deliver(event.ref, result.replies);
      return result;
    } catch (err) {
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

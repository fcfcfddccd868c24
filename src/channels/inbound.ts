// What every webhook does once the platform's request is verified and mapped: record each event
// in the inbox (through the pipeline) before answering 200, skip stale ones, never throw.
import type { Logger } from 'pino';
import type { IncomingEvent } from '../core/messages.ts';
import type { Pipeline } from '../core/pipeline.ts';
import { isStale } from './webhook-util.ts';

/** A payload that is signed but not of the shape a platform documents. */
export class WrongShapeError extends Error {}

/**
 * Maps a verified payload to events; a payload of the wrong shape gives null (and a warning): the
 * platform signed it, so answering an error would only make it retry forever.
 */
export function eventsOrIgnore(channel: string, map: () => IncomingEvent[], logger: Logger): IncomingEvent[] | null {
  try {
    return map();
  } catch (err) {
    if (!(err instanceof WrongShapeError)) throw err;
    logger.warn({ channel, reason: err.message }, 'webhook of an unexpected shape ignored');
    return null;
  }
}

/** What a webhook needs to hand its events over. */
export interface InboundDeps {
  pipeline: Pipeline;
  logger: Logger;
  clock: () => Date;
  /** Per-conversation limit: an event refused here is acknowledged but neither recorded nor answered. */
  admit?: (event: IncomingEvent) => boolean;
}

export async function receiveAll(events: IncomingEvent[], deps: InboundDeps): Promise<{ recorded: number; duplicates: number; stale: number; limited: number }> {
  let recorded = 0, duplicates = 0, stale = 0, limited = 0;
  for (const event of events) {
    if (isStale(event.timestamp, deps.clock())) {
      stale++;
      deps.logger.info({ channel: event.ref.channel, messageId: event.messageId }, 'stale event acknowledged, not answered');
      continue;
    }
    if (deps.admit && !deps.admit(event)) {
      limited++;
      continue;
    }
    const { inserted } = await deps.pipeline.receive(event);
    if (inserted) recorded++;
    else duplicates++;
  }
  await deps.pipeline.commit(); // durable before the platform hears 200
  if (limited) deps.logger.warn({ channel: events[0].ref.channel, limited }, 'events over the per-conversation limit acknowledged, not processed');
  return { recorded, duplicates, stale, limited };
}

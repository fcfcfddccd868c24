// What every webhook does once the platform's request is verified and mapped: record each event
// in the inbox (through the pipeline) before answering 200, skip stale ones, never throw.
import type { Logger } from 'pino';
import type { IncomingEvent } from '../core/messages.ts';
import type { Pipeline } from '../core/pipeline.ts';
import { isStale } from './webhook-util.ts';

export async function receiveAll(events: IncomingEvent[], deps: { pipeline: Pipeline; logger: Logger; clock: () => Date }): Promise<{ recorded: number; duplicates: number; stale: number }> {
  let recorded = 0, duplicates = 0, stale = 0;
  for (const event of events) {
    if (isStale(event.timestamp, deps.clock())) {
      stale++;
      deps.logger.info({ channel: event.ref.channel, messageId: event.messageId }, 'stale event acknowledged, not answered');
      continue;
    }
    const { inserted } = await deps.pipeline.receive(event);
    if (inserted) recorded++;
    else duplicates++;
  }
  await deps.pipeline.commit(); // durable before the platform hears 200
  return { recorded, duplicates, stale };
}

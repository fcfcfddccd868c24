// Counts what passes through Loa without the pipeline, the bot or the channels knowing about
// metrics: each is wrapped once, at wiring time.
import { performance } from 'node:perf_hooks';
import type { Bot } from '../core/bot.ts';
import type { Pipeline } from '../core/pipeline.ts';
import type { OutboundChannel } from '../channels/channel.ts';
import type { AlertService } from '../features/alerts/alert-service.ts';
import type { RateLimits } from '../core/rate-limits.ts';
import { alertsRaised, messagesIn, messagesOut, rateLimitHits, turnSeconds } from './metrics.ts';

export function instrument(parts: { pipeline: Pipeline; bot: Bot; outbound: OutboundChannel[]; alerts: AlertService; limits: RateLimits }): void {
  const { pipeline, bot } = parts;
  const inByChannel = new Map<string, ReturnType<typeof messagesIn.labels>>();
  const receive = pipeline.receive.bind(pipeline);
  pipeline.receive = async (event) => {
    const received = await receive(event);
    if (received.inserted) {
      let c = inByChannel.get(event.ref.channel);
      if (!c) inByChannel.set(event.ref.channel, (c = messagesIn.labels(event.ref.channel)));
      c.inc();
    }
    return received;
  };
  const runTurn = bot.runTurn.bind(bot);
  bot.runTurn = async (event) => {
    const started = performance.now();
    const result = await runTurn(event);
    turnSeconds.observe({ channel: event.ref.channel }, (performance.now() - started) / 1000);
    // The web chat is answered in the HTTP response, not through the outbox.
    if (event.ref.channel === 'webchat') messagesOut.inc({ channel: 'webchat', result: 'sent' }, result.replies.length);
    return result;
  };
  for (const channel of parts.outbound) {
    const send = channel.send.bind(channel);
    channel.send = async (ref, message, purpose) => {
      const result = await send(ref, message, purpose);
      messagesOut.inc({ channel: channel.name, result: result.status });
      return result;
    };
  }
  parts.alerts.onRaise((kind) => alertsRaised.inc({ kind }));
  parts.limits.onHit((limit) => rateLimitHits.inc({ limit }));
}

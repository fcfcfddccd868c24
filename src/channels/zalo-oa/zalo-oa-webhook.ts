// POST /webhooks/zalo: verify the mac over the raw body, record the event, answer 200 within the
// 2 seconds Zalo allows (the reply is computed after the ack).
import { HttpError } from '../../http/errors.ts';
import type { WebhookEndpoint } from '../../http/webhook-lane.ts';
import { eventsOrIgnore, receiveAll, type InboundDeps } from '../inbound.ts';
import { parseJson } from '../webhook-util.ts';
import { zaloOaEvent } from './zalo-oa-mapper.ts';
import { verifyZaloSignature } from './zalo-oa-signature.ts';

export interface ZaloOaWebhookConfig {
  appId: string;
  secretKey: string;
}

export function zaloOaWebhook(config: ZaloOaWebhookConfig, deps: InboundDeps): WebhookEndpoint {
  return {
    path: '/webhooks/zalo',
    async post({ raw, header }) {
      const body = parseJson(raw) as Record<string, unknown> | undefined;
      // The signed string includes the body's own timestamp, so the body is read before verifying;
      // nothing from it is used until the mac matches.
      const timestamp = body && typeof body === 'object' && typeof body.timestamp === 'string' ? body.timestamp : '';
      const appId = body && typeof body === 'object' && typeof body.app_id === 'string' ? body.app_id : config.appId;
      if (appId !== config.appId || !verifyZaloSignature(header('x-zevent-signature'), config.appId, raw.toString('utf8'), timestamp, config.secretKey)) {
        throw new HttpError(401, 'bad_signature', 'missing or wrong X-ZEvent-Signature');
      }
      if (body === undefined) throw new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
      const events = eventsOrIgnore('zalo_oa', () => {
        const event = zaloOaEvent(body);
        return event ? [event] : [];
      }, deps.logger);
      if (!events) return { status: 200, body: { status: 'ignored' } };
      await receiveAll(events, deps);
      return { status: 200, body: { status: 'ok' } };
    },
  };
}

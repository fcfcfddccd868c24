// GET /webhooks/facebook answers Meta's verification; POST verifies the signature on the raw
// body, records every message in the inbox, and answers 200 before any reply is computed.
import { HttpError } from '../../http/errors.ts';
import type { WebhookEndpoint } from '../../http/webhook-lane.ts';
import { eventsOrIgnore, receiveAll, type InboundDeps } from '../inbound.ts';
import { parseJson, safeEqual } from '../webhook-util.ts';
import { messengerEvents } from './messenger-mapper.ts';
import { verifyMessengerSignature } from './messenger-signature.ts';

export interface MessengerWebhookConfig {
  verifyToken: string;
  appSecret: string;
}

export function messengerWebhook(config: MessengerWebhookConfig, deps: InboundDeps): WebhookEndpoint {
  return {
    path: '/webhooks/facebook',
    get({ query }) {
      const token = query.get('hub.verify_token');
      if (query.get('hub.mode') === 'subscribe' && token !== null && safeEqual(token, config.verifyToken)) {
        return { status: 200, body: query.get('hub.challenge') ?? '' };
      }
      throw new HttpError(403, 'forbidden', 'verify token does not match');
    },
    async post({ raw, header }) {
      if (!verifyMessengerSignature(raw, config.appSecret, header('x-hub-signature-256'))) {
        throw new HttpError(401, 'bad_signature', 'missing or wrong X-Hub-Signature-256');
      }
      const body = parseJson(raw);
      if (body === undefined) throw new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
      const events = eventsOrIgnore('messenger', () => messengerEvents(body, deps.clock()), deps.logger);
      if (!events) return { status: 200, body: 'IGNORED' };
      await receiveAll(events, deps);
      return { status: 200, body: 'EVENT_RECEIVED' };
    },
  };
}

// GET /webhooks/facebook answers Meta's verification; POST verifies the signature on the raw
// body, records every message in the inbox, and answers 200 before any reply is computed.
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Pipeline } from '../../core/pipeline.ts';
import { HttpError } from '../../http/errors.ts';
import { eventsOrIgnore, receiveAll } from '../inbound.ts';
import { parseJson, rawBody, safeEqual } from '../webhook-util.ts';
import { messengerEvents } from './messenger-mapper.ts';
import { verifyMessengerSignature } from './messenger-signature.ts';

export interface MessengerWebhookConfig {
  verifyToken: string;
  appSecret: string;
}

export function messengerWebhook(config: MessengerWebhookConfig, deps: { pipeline: Pipeline; logger: Logger; clock: () => Date }): Router {
  const router = Router();
  router.get('/webhooks/facebook', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (q['hub.mode'] === 'subscribe' && typeof q['hub.verify_token'] === 'string' && safeEqual(q['hub.verify_token'], config.verifyToken)) {
      res.status(200).type('text/plain').send(String(q['hub.challenge'] ?? ''));
      return;
    }
    res.status(403).json({ error: { code: 'forbidden', message: 'verify token does not match' } });
  });

  router.post('/webhooks/facebook', rawBody(), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyMessengerSignature(raw, config.appSecret, req.get('x-hub-signature-256'), req.get('x-hub-signature'))) {
      throw new HttpError(401, 'bad_signature', 'missing or wrong X-Hub-Signature-256');
    }
    const body = parseJson(raw);
    if (body === undefined) throw new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
    const events = eventsOrIgnore('messenger', () => messengerEvents(body), deps.logger);
    if (!events) {
      res.status(200).send('IGNORED');
      return;
    }
    await receiveAll(events, deps);
    res.status(200).send('EVENT_RECEIVED');
  });
  return router;
}

// POST /webhooks/zalo: verify the mac over the raw body, record the event, answer 200 within the
// 2 seconds Zalo allows (the reply is computed after the ack).
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Pipeline } from '../../core/pipeline.ts';
import { HttpError } from '../../http/errors.ts';
import { eventsOrIgnore, receiveAll } from '../inbound.ts';
import { parseJson, rawBody } from '../webhook-util.ts';
import { zaloOaEvent } from './zalo-oa-mapper.ts';
import { verifyZaloSignature } from './zalo-oa-signature.ts';

export interface ZaloOaWebhookConfig {
  appId: string;
  secretKey: string;
}

export function zaloOaWebhook(config: ZaloOaWebhookConfig, deps: { pipeline: Pipeline; logger: Logger; clock: () => Date }): Router {
  const router = Router();
  router.post('/webhooks/zalo', rawBody(), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const body = parseJson(Buffer.from(raw)) as Record<string, unknown> | undefined;
    // The signed string includes the body's own timestamp, so the body is read before verifying;
    // nothing from it is used until the mac matches.
    const timestamp = body && typeof body === 'object' && typeof body.timestamp === 'string' ? body.timestamp : '';
    const appId = body && typeof body === 'object' && typeof body.app_id === 'string' ? body.app_id : config.appId;
    if (appId !== config.appId || !verifyZaloSignature(req.get('x-zevent-signature'), config.appId, raw, timestamp, config.secretKey)) {
      throw new HttpError(401, 'bad_signature', 'missing or wrong X-ZEvent-Signature');
    }
    if (body === undefined) throw new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
    const events = eventsOrIgnore('zalo_oa', () => {
      const event = zaloOaEvent(body);
      return event ? [event] : [];
    }, deps.logger);
    if (!events) {
      res.status(200).json({ status: 'ignored' });
      return;
    }
    await receiveAll(events, deps);
    res.status(200).json({ status: 'ok' });
  });
  return router;
}

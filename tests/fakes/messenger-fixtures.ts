// Messenger webhook payloads as Meta sends them (see ../shared/PLATFORMS.md), for tests and docs.
import request from 'supertest';
import type http from 'node:http';
import { signMessengerBody } from '../../src/channels/messenger/messenger-signature.ts';
import { FakePlatform } from './fake-platform.ts';

export const PAGE_ID = '104857600000001';
export const APP_SECRET = 'messenger-app-secret-for-tests';
export const VERIFY_TOKEN = 'verify-me-please';
export const PAGE_TOKEN = 'EAAB-page-token-for-tests';

/** The Send API's path on the Graph server. */
export const SEND = '/v21.0/me/messages';

/** A fake Graph server that accepts every message sent (a test queues refusals with `queue`). */
export const acceptingGraph = (): Promise<FakePlatform> => new FakePlatform().on(SEND, () => ({ body: { recipient_id: 'x', message_id: 'm' } })).start();

/** The environment that turns Messenger on against a fake Graph server at `graphUrl`. */
export const messengerEnv = (graphUrl: string) => ({
  FACEBOOK_VERIFY_TOKEN: VERIFY_TOKEN, FACEBOOK_APP_SECRET: APP_SECRET, FACEBOOK_PAGE_ACCESS_TOKEN: PAGE_TOKEN, FACEBOOK_GRAPH_URL: graphUrl,
});

export function messaging(item: object, pageId = PAGE_ID) {
  return { object: 'page', entry: [{ id: pageId, time: Date.parse('2026-11-26T02:00:00Z'), messaging: [item] }] };
}

export function textMessage(psid: string, mid: string, text: string, at = '2026-11-26T01:59:58Z') {
  return messaging({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.parse(at), message: { mid, text } });
}

export function quickReply(psid: string, mid: string, payload: string, title: string) {
  return messaging({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.parse('2026-11-26T01:59:58Z'), message: { mid, text: title, quick_reply: { payload } } });
}

export function postback(psid: string, mid: string, payload: string) {
  return messaging({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.parse('2026-11-26T01:59:58Z'), postback: { mid, title: 'Bắt đầu', payload } });
}

export const echo = (mid: string) => messaging({ sender: { id: PAGE_ID }, recipient: { id: '1' }, timestamp: 1, message: { mid, text: 'x', is_echo: true } });
export const delivery = () => messaging({ sender: { id: '7001' }, recipient: { id: PAGE_ID }, timestamp: 1, delivery: { mids: ['m'], watermark: 1 } });
export const read = () => messaging({ sender: { id: '7001' }, recipient: { id: PAGE_ID }, timestamp: 1, read: { watermark: 1 } });

export const sign = (raw: string, secret = APP_SECRET) => signMessengerBody(raw, secret);

/** POSTs a payload to the Messenger webhook as Meta would: signed, unless the signature is given (null: none). */
export function postWebhook(app: http.RequestListener, payload: object | string, signature?: string | null) {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const req = request(app).post('/webhooks/facebook').set('content-type', 'application/json');
  if (signature !== null) req.set('x-hub-signature-256', signature ?? sign(raw));
  return req.send(raw);
}

// Zalo OA webhook payloads as Zalo sends them (see ../shared/PLATFORMS.md), for tests and docs.
import request from 'supertest';
import type http from 'node:http';
import { zaloMac } from '../../src/channels/zalo-oa/zalo-oa-signature.ts';

export const APP_ID = '360846524940903967';
export const OA_ID = '388613280878808645';
export const OA_SECRET_KEY = 'zalo-oa-secret-key-for-tests';
export const APP_SECRET = 'zalo-app-secret-for-tests';
export const USER = '246845883529197922'; // > 2^53: must stay a string

const at = (iso = '2026-11-26T01:59:58Z') => String(Date.parse(iso));

export function userText(msgId: string, text: string, user = USER, when?: string) {
  return { app_id: APP_ID, sender: { id: user }, user_id_by_app: '552177279717587730', recipient: { id: OA_ID }, event_name: 'user_send_text', message: { text, msg_id: msgId }, timestamp: at(when) };
}

export function userImage(msgId: string, user = USER) {
  return { app_id: APP_ID, sender: { id: user }, recipient: { id: OA_ID }, event_name: 'user_send_image', message: { msg_id: msgId, attachments: [{ type: 'image', payload: { url: 'https://example.invalid/a.jpg' } }] }, timestamp: at() };
}

export function follow(kind: 'follow' | 'unfollow', user = USER) {
  return { app_id: APP_ID, oa_id: OA_ID, follower: { id: user }, source: 'oa_profile', event_name: kind, timestamp: at() };
}

export const oaEcho = (msgId: string) => ({ app_id: APP_ID, sender: { id: OA_ID }, recipient: { id: USER }, event_name: 'oa_send_text', message: { text: 'x', msg_id: msgId }, timestamp: at() });

export function sign(raw: string, key = OA_SECRET_KEY): string {
  const body = JSON.parse(raw) as { timestamp?: string };
  return `mac=${zaloMac(APP_ID, raw, body.timestamp ?? '', key)}`;
}

/** POSTs a payload to the Zalo OA webhook as Zalo would: signed, unless the signature is given (null: none). */
export function postWebhook(app: http.RequestListener, payload: object | string, signature?: string | null) {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const req = request(app).post('/webhooks/zalo').set('content-type', 'application/json');
  if (signature !== null) req.set('x-zevent-signature', signature ?? sign(raw));
  return req.send(raw);
}

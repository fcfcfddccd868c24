import { createHmac } from 'node:crypto';
import { safeEqual } from '../webhook-util.ts';

/**
 * Checks X-Hub-Signature-256 (sha256=<hex>), an HMAC-SHA256 of the raw body with the app secret,
 * in constant time. The older SHA-1 X-Hub-Signature is not accepted: Meta sends both, and SHA-1
 * alone is what a forger would try.
 */
export function verifyMessengerSignature(raw: Buffer, appSecret: string, sha256Header?: string): boolean {
  if (!sha256Header?.startsWith('sha256=')) return false;
  return safeEqual(sha256Header.slice(7).toLowerCase(), createHmac('sha256', appSecret).update(raw).digest('hex'));
}

export const signMessengerBody = (raw: string | Buffer, appSecret: string) =>
  `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;

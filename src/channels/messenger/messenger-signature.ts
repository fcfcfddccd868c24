import { createHmac } from 'node:crypto';
import { safeEqual } from '../webhook-util.ts';

/**
 * Checks X-Hub-Signature-256 (sha256=<hex>), or the older X-Hub-Signature (sha1=<hex>), an HMAC
 * of the raw body with the app secret, in constant time.
 */
export function verifyMessengerSignature(raw: Buffer, appSecret: string, sha256Header?: string, sha1Header?: string): boolean {
  if (sha256Header?.startsWith('sha256=')) {
    return safeEqual(sha256Header.slice(7).toLowerCase(), createHmac('sha256', appSecret).update(raw).digest('hex'));
  }
  if (sha1Header?.startsWith('sha1=')) {
    return safeEqual(sha1Header.slice(5).toLowerCase(), createHmac('sha1', appSecret).update(raw).digest('hex'));
  }
  return false;
}

export const signMessengerBody = (raw: string | Buffer, appSecret: string) =>
  `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;

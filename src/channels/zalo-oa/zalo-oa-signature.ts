import { createHash } from 'node:crypto';
import { safeEqual } from '../webhook-util.ts';

/**
 * X-ZEvent-Signature: mac=<hex SHA-256 of app_id + raw body + timestamp + key> (plain SHA-256,
 * not an HMAC); `timestamp` is the field inside the body. The key is the OA secret key (some
 * sources say the app secret: ZALO_OA_SECRET_KEY takes whichever the console shows).
 */
export function zaloMac(appId: string, raw: string, timestamp: string, key: string): string {
  return createHash('sha256').update(appId + raw + timestamp + key).digest('hex');
}

export function verifyZaloSignature(header: string | undefined, appId: string, raw: string, timestamp: string, key: string): boolean {
  if (!header) return false;
  const given = header.startsWith('mac=') ? header.slice(4) : header;
  return safeEqual(given.toLowerCase(), zaloMac(appId, raw, timestamp, key));
}

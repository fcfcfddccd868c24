// Small pieces every webhook shares: constant-time comparison, stale events, JSON from raw bytes.
import { timingSafeEqual } from 'node:crypto';

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Events older than this are acknowledged but not answered: a replay, or a backlog after downtime. */
export const MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;

export function isStale(timestamp: string, now: Date): boolean {
  const t = Date.parse(timestamp);
  return Number.isFinite(t) && now.getTime() - t > MAX_EVENT_AGE_MS;
}

export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

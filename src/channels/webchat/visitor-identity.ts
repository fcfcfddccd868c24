// Who a web chat visitor is: an id the server draws at random and signs (HMAC-SHA256), kept by the
// browser in an HttpOnly cookie (same site) or by the widget as a token (embedded on another site).
// A visitor never chooses their id, so nobody can read or act on another parent's conversation by
// guessing or copying a `user` id.
import fs from 'node:fs';
import path from 'node:path';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const VISITOR_COOKIE = 'loa_visitor';
export const VISITOR_HEADER = 'x-loa-visitor';
/** One year: a parent who comes back in the next school year is still recognised. */
export const VISITOR_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

export interface Visitor {
  /** The conversation's user id ("v_" and 22 random characters). */
  userId: string;
  /** What the browser keeps: the id and its signature. */
  token: string;
}

export class VisitorIdentity {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('the web chat secret must be at least 32 bytes');
  }

  /** The key from WEBCHAT_SECRET, or one generated once and kept (0600) in the data folder. */
  static open(dataDir: string, configured: string | undefined): VisitorIdentity {
    if (configured) return new VisitorIdentity(Buffer.from(configured, 'utf8'));
    const file = path.join(dataDir, 'webchat-secret');
    try {
      return new VisitorIdentity(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const key = randomBytes(32);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, key.toString('base64url'), { mode: 0o600, flag: 'wx' });
    return new VisitorIdentity(key);
  }

  /** A new visitor: 128 random bits. */
  issue(): Visitor {
    const userId = `v_${randomBytes(16).toString('base64url')}`;
    return { userId, token: `${userId}.${this.sign(userId)}` };
  }

  /** The visitor a token names, when its signature is ours; null for anything else. */
  verify(token: string | undefined | null): Visitor | null {
    if (!token || token.length > 200) return null;
    const dot = token.lastIndexOf('.');
    if (dot <= 0) return null;
    const userId = token.slice(0, dot);
    if (!/^v_[A-Za-z0-9_-]{22}$/.test(userId)) return null;
    const given = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.sign(userId), 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected) ? { userId, token } : null;
  }

  private sign(userId: string): string {
    return createHmac('sha256', this.secret).update(`webchat-visitor:${userId}`).digest('base64url');
  }
}

/** One cookie's value from a Cookie header (no parser needed for one name). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

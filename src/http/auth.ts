// Who is asking: a browser with the console's session cookie, or a script with a bearer token
// (a personal API token, or ADMIN_TOKEN to bootstrap a fresh install). Changing requests that
// ride on the cookie must come from the console's own origin (SameSite=Lax is the other half).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Role, User } from '../store/types.ts';
import type { UserService } from '../features/users/user-service.ts';
import { SESSION_DAYS } from '../features/users/user-service.ts';
import { consoleError } from './errors.ts';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const SESSION_COOKIE = 'loa_session';

export const BOOTSTRAP_ADMIN: User = {
  id: 'bootstrap-admin', username: null, name: 'ADMIN_TOKEN', role: 'admin', classIds: [], createdAt: new Date(0).toISOString(), disabled: false,
};

export interface AuthedRequest extends Request {
  user?: User;
  /** The session cookie's value, when the request came with one. */
  sessionId?: string;
}

export function currentUser(req: Request): User {
  const user = (req as AuthedRequest).user;
  if (!user) throw consoleError(401, 'unauthorized');
  return user;
}

export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim()) || null;
  }
  return null;
}

export function setSessionCookie(req: Request, res: Response, sessionId: string): void {
  res.cookie(SESSION_COOKIE, sessionId, {
    httpOnly: true, sameSite: 'lax', path: '/', maxAge: SESSION_DAYS * 86_400_000,
    // req.secure reads X-Forwarded-Proto only from a proxy trusted by TRUST_PROXY.
    secure: req.secure,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin the console is served from: PUBLIC_URL's when set, else the request's own. */
function ownOrigin(req: Request, publicUrl: string | undefined): string {
  return publicUrl ? new URL(publicUrl).origin : `${req.protocol}://${req.get('host')}`;
}

/** A changing request riding on a cookie must say it comes from the console's origin. */
export function checkOrigin(req: Request, publicUrl: string | undefined): void {
  if (SAFE_METHODS.has(req.method)) return;
  let origin = req.get('origin');
  if (!origin) {
    const referer = req.get('referer');
    try {
      origin = referer ? new URL(referer).origin : undefined;
    } catch {
      origin = undefined;
    }
  }
  if (!origin || origin !== ownOrigin(req, publicUrl)) throw consoleError(403, 'csrf');
}

export interface AuthOptions {
  users: UserService;
  adminToken: string | undefined;
  publicUrl?: string;
}

export function authenticate({ users, adminToken, publicUrl }: AuthOptions): RequestHandler {
  const adminHash = adminToken ? Buffer.from(hashToken(adminToken), 'hex') : null;
  return async (req, _res, next) => {
    const r = req as AuthedRequest;
    const header = req.get('authorization');
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) return next(consoleError(401, 'unauthorized'));
      if (adminHash && timingSafeEqual(adminHash, Buffer.from(hashToken(match[1]), 'hex'))) {
        r.user = BOOTSTRAP_ADMIN;
        return next();
      }
      const user = await users.tokenUser(match[1]);
      if (!user) return next(consoleError(401, 'unauthorized'));
      r.user = user;
      return next();
    }
    const sessionId = readCookie(req, SESSION_COOKIE);
    const user = sessionId ? await users.sessionUser(sessionId) : null;
    if (!user) return next(consoleError(401, 'unauthorized'));
    checkOrigin(req, publicUrl);
    r.user = user;
    r.sessionId = sessionId!;
    next();
  };
}

/** Lets a request through only for the given roles (403 otherwise). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req);
    if (!roles.includes(user.role)) return next(consoleError(403, 'forbidden', { roles: roles.join(', ') }));
    next();
  };
}

// Bearer tokens for the admin API. Tokens are random, shown once, stored as SHA-256 hashes.
// ADMIN_TOKEN from the environment is accepted as an admin for first set-up.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Role, User, UserRepository } from '../store/types.ts';
import { HttpError } from './errors.ts';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = () => `loa_${randomBytes(32).toString('base64url')}`;

export const BOOTSTRAP_ADMIN: User = {
  id: 'bootstrap-admin', name: 'ADMIN_TOKEN', role: 'admin', classIds: [], createdAt: new Date(0).toISOString(), disabled: false,
};

export interface AuthedRequest extends Request {
  user?: User;
}

export function currentUser(req: Request): User {
  const user = (req as AuthedRequest).user;
  if (!user) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
  return user;
}

export function authenticate(users: UserRepository, adminToken: string | undefined): RequestHandler {
  const adminHash = adminToken ? Buffer.from(hashToken(adminToken), 'hex') : null;
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new HttpError(401, 'unauthorized', 'send "Authorization: Bearer <token>"'));
    const hash = hashToken(match[1]);
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash, 'hex'))) {
      (req as AuthedRequest).user = BOOTSTRAP_ADMIN;
      return next();
    }
    const user = await users.findByTokenHash(hash);
    if (!user || user.disabled) return next(new HttpError(401, 'unauthorized', 'the token is not valid'));
    (req as AuthedRequest).user = user;
    next();
  };
}

/** Lets a request through only for the given roles (403 otherwise). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req);
    if (!roles.includes(user.role)) {
      return next(new HttpError(403, 'forbidden', `this needs the role ${roles.join(' or ')}; you are ${user.role}`));
    }
    next();
  };
}

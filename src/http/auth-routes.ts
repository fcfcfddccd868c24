// /api/auth: sign in with a username and password, sign out (here or everywhere), and choose a
// password from a set-up link. The session is an HttpOnly cookie backed by the store.
import { Router, type Request } from 'express';
import { z } from '@botpress/sdk';
import { AccountError, type UserService } from '../features/users/user-service.ts';
import type { User } from '../store/types.ts';
import { authenticate, checkOrigin, clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie, type AuthedRequest } from './auth.ts';
import { consoleError, parseInput } from './errors.ts';

const STATUS: Record<AccountError['code'], number> = {
  unknown_class: 400, username_taken: 409, link_expired: 410, weak_password: 400, bad_credentials: 401, too_many_attempts: 429,
};

/** An account refusal as the HTTP error the console shows. */
export function accountHttpError(err: unknown): unknown {
  if (!(err instanceof AccountError)) return err;
  // i18next's context picks "weak_password_too_short" or "weak_password_common".
  if (err.code === 'weak_password') return consoleError(400, 'weak_password', { context: err.vars.reason }, { reason: err.vars.reason });
  const e = consoleError(STATUS[err.code], err.code, err.vars);
  if (err.code === 'too_many_attempts') e.retryAfter = Number(err.vars.retryAfter);
  return e;
}

export const publicUser = (u: User) => ({ id: u.id, username: u.username, name: u.name, role: u.role, classIds: u.classIds, disabled: u.disabled, createdAt: u.createdAt });

export interface AuthRouteDeps {
  users: UserService;
  adminToken: string | undefined;
  publicUrl?: string;
  audit: (req: Request, user: User, action: string, target: string, details?: unknown) => Promise<void>;
}

export function authRoutes(deps: AuthRouteDeps): Router {
  const { users, publicUrl } = deps;
  const router = Router();
  const guard = async <T>(fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      throw accountHttpError(err);
    }
  };

  router.post('/login', async (req, res) => {
    // A form posted from another site must not sign the browser in to someone else's account.
    if (req.get('origin')) checkOrigin(req, publicUrl);
    const body = parseInput(z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1000) }), req.body);
    const { user, sessionId } = await guard(() => users.login(body.username, body.password));
    setSessionCookie(req, res, sessionId);
    await deps.audit(req, user, 'auth.login', `user:${user.id}`);
    res.json({ user: publicUser(user) });
  });

  router.post('/logout', async (req, res) => {
    const sessionId = readCookie(req, SESSION_COOKIE);
    if (sessionId) {
      checkOrigin(req, publicUrl);
      await users.logout(sessionId);
    }
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.post('/logout-all', authenticate(deps), async (req, res) => {
    const user = (req as AuthedRequest).user!;
    const ended = await users.logoutEverywhere(user.id);
    clearSessionCookie(req, res);
    await deps.audit(req, user, 'auth.logout_all', `user:${user.id}`, { sessions: ended });
    res.status(204).end();
  });

  router.get('/setup/:token', async (req, res) => {
    const { user, expiresAt } = await guard(() => users.setupLink(String(req.params.token)));
    res.json({ username: user.username, name: user.name, expiresAt });
  });

  router.post('/setup/:token', async (req, res) => {
    if (req.get('origin')) checkOrigin(req, publicUrl);
    const body = parseInput(z.object({ password: z.string().max(1000) }), req.body);
    const { user, sessionId } = await guard(() => users.completeSetup(String(req.params.token), body.password));
    setSessionCookie(req, res, sessionId);
    await deps.audit(req, user, 'auth.password_set', `user:${user.id}`);
    res.json({ user: publicUser(user) });
  });

  return router;
}

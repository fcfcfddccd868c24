// People and their access: users with set-up links, personal API tokens, the audit log.
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Store, User } from '../../store/types.ts';
import { ROLES, UsernameTakenError } from '../../store/types.ts';
import { newUserSchema, TOKEN_DAYS, usernameSchema, type UserService } from '../../features/users/user-service.ts';
import { zonedTime } from '../../core/dates.ts';
import { BOOTSTRAP_ADMIN, currentUser, requireRole } from '../auth.ts';
import { splitActor, type Audit } from '../audit.ts';
import { consoleError, parseInput } from '../errors.ts';
import { accountHttpError, publicUser } from '../auth-routes.ts';

export interface UserRouteDeps {
  store: Store;
  users: UserService;
  audit: Audit;
  classIds: () => string[];
  timeZone: string;
  /** Questions waiting for someone to teach Loa the answer (the front page's count). */
  unansweredCount: (user: User) => Promise<number>;
}

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

export function userRoutes(deps: UserRouteDeps): Router {
  const { store, users, audit } = deps;
  const router = Router();

  router.get('/me', async (req, res) => {
    const user = currentUser(req);
    // The school's time zone: the console shows every time as the school lives it, whatever the device says.
    res.json({ user: publicUser(user), unansweredCount: await deps.unansweredCount(user), timeZone: deps.timeZone });
  });

  router.get('/users', requireRole('admin'), async (_req, res) => {
    res.json({ users: (await store.users.list()).map(publicUser) });
  });

  router.post('/users', requireRole('admin'), async (req, res) => {
    const input = parseInput(newUserSchema, req.body);
    try {
      const created = await users.createUser(input, deps.classIds());
      await audit(req, 'user.create', `user:${created.user.id}`, { username: created.user.username, name: created.user.name, role: created.user.role, classIds: created.user.classIds });
      res.status(201).json({ user: publicUser(created.user), setupUrl: created.setupUrl, expiresAt: created.expiresAt });
    } catch (err) {
      throw accountHttpError(err);
    }
  });

  router.patch('/users/:id', requireRole('admin'), async (req, res) => {
    const patch = parseInput(z.object({
      username: usernameSchema.optional(),
      name: z.string().trim().min(1).max(100).optional(),
      role: z.enum(ROLES as [string, ...string[]]).optional(),
      classIds: z.array(z.string()).optional(),
      disabled: z.boolean().optional(),
    }).strict(), req.body);
    // An admin cannot lock themselves out (another admin, or ADMIN_TOKEN, can).
    if (String(req.params.id) === currentUser(req).id && (patch.disabled || (patch.role && patch.role !== 'admin'))) throw consoleError(400, 'self_lockout');
    const unknown = (patch.classIds ?? []).filter((c) => !deps.classIds().includes(c));
    if (unknown.length) throw consoleError(400, 'unknown_class', { classes: unknown.join(', ') });
    let user: User | null;
    try {
      user = await store.users.update(String(req.params.id), patch as Parameters<Store['users']['update']>[1]);
    } catch (err) {
      if (err instanceof UsernameTakenError) throw consoleError(409, 'username_taken', { username: patch.username });
      throw err;
    }
    if (!user) throw consoleError(404, 'no_user');
    // Deactivating someone signs them out everywhere at once (their API tokens stop with them).
    if (patch.disabled) await users.logoutEverywhere(user.id);
    await audit(req, 'user.update', `user:${user.id}`, patch);
    res.json({ user: publicUser(user) });
  });

  router.post('/users/:id/setup-link', requireRole('admin'), async (req, res) => {
    const user = await store.users.get(String(req.params.id));
    if (!user) throw consoleError(404, 'no_user');
    const link = await users.newSetupLink(user.id);
    await audit(req, 'user.setup_link', `user:${user.id}`);
    res.json(link);
  });

  // Personal API tokens: one's own, for scripts.
  router.get('/tokens', async (req, res) => {
    const user = currentUser(req);
    const tokens = user.id === BOOTSTRAP_ADMIN.id ? [] : await store.apiTokens.list(user.id);
    res.json({ tokens: tokens.map(({ id, name, createdAt, expiresAt, lastUsedAt }) => ({ id, name, createdAt, expiresAt, lastUsedAt })) });
  });
  router.post('/tokens', async (req, res) => {
    const user = currentUser(req);
    if (user.id === BOOTSTRAP_ADMIN.id) throw consoleError(403, 'forbidden');
    const body = parseInput(z.object({ name: z.string().trim().min(1).max(100), days: z.number().int().min(1).max(TOKEN_DAYS.max).optional() }).strict(), req.body);
    const issued = await users.issueToken(user.id, body.name, body.days);
    await audit(req, 'token.create', `token:${issued.id}`, { name: issued.name, expiresAt: issued.expiresAt });
    res.status(201).json({ token: issued.token, id: issued.id, name: issued.name, createdAt: issued.createdAt, expiresAt: issued.expiresAt, lastUsedAt: null });
  });
  router.delete('/tokens/:id', async (req, res) => {
    const user = currentUser(req);
    if (!(await store.apiTokens.revoke(user.id, String(req.params.id)))) throw consoleError(404, 'no_token');
    await audit(req, 'token.revoke', `token:${req.params.id}`);
    res.status(204).end();
  });

  // The audit log: who did what, when; filtered by person, kind and days (the school's days).
  router.get('/audit', requireRole('admin', 'principal'), async (req, res) => {
    const q = parseInput(z.object({
      actor: z.string().max(200).optional(), action: z.string().max(100).optional(), target: z.string().max(200).optional(),
      since: z.string().max(40).optional(), until: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(1000).optional(),
    }), req.query);
    const bound = (v: string | undefined, end: boolean) => {
      if (!v) return undefined;
      if (isoDay.test(v)) {
        const start = zonedTime(v, 0, 0, deps.timeZone);
        return new Date(start.getTime() + (end ? 86_400_000 - 1 : 0)).toISOString();
      }
      const t = Date.parse(v);
      if (Number.isNaN(t)) throw consoleError(400, 'invalid', undefined);
      return new Date(t).toISOString();
    };
    const entries = await store.audit.list({ actor: q.actor || undefined, action: q.action || undefined, target: q.target, since: bound(q.since, false), until: bound(q.until, true), limit: q.limit ?? 100 });
    res.json({ entries: entries.map((e) => ({ ...e, ...splitActor(e.actor) })) });
  });
  router.get('/audit/actions', requireRole('admin', 'principal'), async (_req, res) => {
    res.json({ actions: await store.audit.actions() });
  });

  return router;
}

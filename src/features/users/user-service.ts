// People who use the console: created with a one-time set-up link (they choose their own
// password), signed in with a session kept in the store, or scripts with personal API tokens.
import { recordFailedLogin } from '../../metrics/metrics.ts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from '@botpress/sdk';
import type { ApiToken, Store, User } from '../../store/types.ts';
import { ROLES } from '../../store/types.ts';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newApiToken = () => `loa_${randomBytes(32).toString('base64url')}`;

export const SETUP_LINK_HOURS = 72;
export const SESSION_DAYS = 30;
export const TOKEN_DAYS = { default: 90, max: 730 };
/** Failed sign-ins in a row before the username is slowed down. */
export const LOGIN_FAILURES_ALLOWED = 5;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

export const usernameSchema = z.string().trim().toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'username');

export const newUserSchema = z.object({
  username: usernameSchema,
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES as [string, ...string[]]).transform((r) => r as User['role']),
  classIds: z.array(z.string()).default([]),
}).strict();

/** A refusal the person is told about; `code` is the key of its text in locales/<lng>/errors.json. */
export class AccountError extends Error {
  constructor(readonly code: 'unknown_class' | 'username_taken' | 'link_expired' | 'weak_password' | 'bad_credentials' | 'too_many_attempts',
    readonly vars: Record<string, unknown> = {}) {
    super(code);
  }
}

export interface SetupLinkResult {
  setupUrl: string;
  expiresAt: string;
}

/** How long a username waits after `count` failures in a row: 30 s, doubling, at most 15 minutes. */
export function backoffMs(count: number): number {
  return count < LOGIN_FAILURES_ALLOWED ? 0 : Math.min(30_000 * 2 ** (count - LOGIN_FAILURES_ALLOWED), 15 * 60_000);
}

export class UserService {
  constructor(private readonly deps: { store: Store; clock: () => Date }) {}

  private get now() {
    return this.deps.clock();
  }

  async createUser(input: z.input<typeof newUserSchema>, knownClassIds: string[]): Promise<{ user: User } & SetupLinkResult> {
    const parsed = newUserSchema.parse(input);
    const unknown = parsed.classIds.filter((c) => !knownClassIds.includes(c));
    if (unknown.length) throw new AccountError('unknown_class', { classes: unknown.join(', ') });
    const user = await this.deps.store.users.create(parsed, this.now.toISOString());
    if (!user) throw new AccountError('username_taken', { username: parsed.username });
    return { user, ...(await this.newSetupLink(user.id)) };
  }

  /** A link to choose a password (again): the earlier ones stop working. */
  async newSetupLink(userId: string): Promise<SetupLinkResult> {
    const token = randomBytes(24).toString('base64url');
    const now = this.now;
    const expiresAt = new Date(now.getTime() + SETUP_LINK_HOURS * HOUR).toISOString();
    await this.deps.store.setupLinks.create(hashSecret(token), { userId, createdAt: now.toISOString(), expiresAt });
    return { setupUrl: `/admin/setup/${token}`, expiresAt };
  }

  /** Whom a set-up link is for; throws link_expired when it is unknown, used, expired or the user is disabled. */
  async setupLink(token: string): Promise<{ user: User; expiresAt: string }> {
    const link = await this.deps.store.setupLinks.get(hashSecret(token));
    const user = link && (await this.deps.store.users.get(link.userId));
    if (!link || !user || user.disabled || link.usedAt || Date.parse(link.expiresAt) <= this.now.getTime()) throw new AccountError('link_expired');
    return { user, expiresAt: link.expiresAt };
  }

  /** Sets the password from a set-up link (once) and signs the person in. */
  async completeSetup(token: string, password: string): Promise<{ user: User; sessionId: string }> {
    const { user } = await this.setupLink(token);
    const problem = passwordProblem(password, user.username);
    if (problem) throw new AccountError('weak_password', { reason: problem });
    const hash = await hashPassword(password);
    if (!(await this.deps.store.setupLinks.use(hashSecret(token), this.now.toISOString()))) throw new AccountError('link_expired');
    await this.deps.store.users.setPasswordHash(user.id, hash);
    // A new password ends the sessions opened with the old one.
    await this.deps.store.staffSessions.deleteForUser(user.id);
    if (user.username) await this.deps.store.loginFailures.clear(user.username);
    return { user, sessionId: await this.openSession(user.id) };
  }

  /** Username and password → a session; the same refusal whether or not the username exists. */
  async login(username: string, password: string): Promise<{ user: User; sessionId: string }> {
    const key = username.trim().toLowerCase().slice(0, 64);
    const now = this.now;
    const failures = await this.deps.store.loginFailures.get(key);
    if (failures) {
      const waitUntil = Date.parse(failures.lastAt) + backoffMs(failures.count);
      if (waitUntil > now.getTime()) {
        recordFailedLogin('locked');
        throw new AccountError('too_many_attempts', { retryAfter: Math.ceil((waitUntil - now.getTime()) / 1000) });
      }
    }
    const user = await this.deps.store.users.getByUsername(key);
    const hash = user && !user.disabled ? await this.deps.store.users.passwordHash(user.id) : null;
    const ok = await verifyPassword(password, hash ?? DUMMY_HASH);
    if (!ok || !user || !hash) {
      await this.deps.store.loginFailures.record(key, now.toISOString());
      recordFailedLogin('bad_password');
      throw new AccountError('bad_credentials');
    }
    if (failures) await this.deps.store.loginFailures.clear(key);
    return { user, sessionId: await this.openSession(user.id) };
  }

  private async openSession(userId: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = this.now;
    await this.deps.store.staffSessions.create(hashSecret(id), {
      userId, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt: new Date(now.getTime() + SESSION_DAYS * DAY).toISOString(),
    });
    await this.deps.store.flush();
    return id;
  }

  /** The person behind a session cookie; the session slides forward at most once an hour. */
  async sessionUser(sessionId: string): Promise<User | null> {
    const hash = hashSecret(sessionId);
    const session = await this.deps.store.staffSessions.get(hash);
    const now = this.now;
    if (!session) return null;
    if (Date.parse(session.expiresAt) <= now.getTime()) {
      await this.deps.store.staffSessions.delete(hash); // an expired session is gone for good
      return null;
    }
    const user = await this.deps.store.users.get(session.userId);
    if (!user || user.disabled) return null;
    if (now.getTime() - Date.parse(session.lastSeenAt) > HOUR) {
      await this.deps.store.staffSessions.touch(hash, now.toISOString(), new Date(now.getTime() + SESSION_DAYS * DAY).toISOString());
    }
    return user;
  }

  async logout(sessionId: string): Promise<void> {
    await this.deps.store.staffSessions.delete(hashSecret(sessionId));
    await this.deps.store.flush();
  }

  async logoutEverywhere(userId: string): Promise<number> {
    const n = await this.deps.store.staffSessions.deleteForUser(userId);
    await this.deps.store.flush();
    return n;
  }

  /** A new personal API token: the only time it is ever shown. */
  async issueToken(userId: string, name: string, days: number = TOKEN_DAYS.default): Promise<{ token: string } & ApiToken> {
    const token = newApiToken();
    const now = this.now;
    const saved = await this.deps.store.apiTokens.create({
      id: randomUUID(), userId, name, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + days * DAY).toISOString(),
    }, hashSecret(token));
    await this.deps.store.flush();
    return { token, ...saved };
  }

  /** The person behind a bearer token, when it is theirs, unexpired and they are not disabled. */
  async tokenUser(token: string): Promise<User | null> {
    const found = await this.deps.store.apiTokens.findByHash(hashSecret(token));
    const now = this.now;
    if (!found || (found.expiresAt && Date.parse(found.expiresAt) <= now.getTime())) return null;
    const user = await this.deps.store.users.get(found.userId);
    if (!user || user.disabled) return null;
    // Written at most once a minute per token: a busy script does not turn reads into writes.
    if (!found.lastUsedAt || now.getTime() - Date.parse(found.lastUsedAt) > 60_000) await this.deps.store.apiTokens.touch(found.id, now.toISOString());
    return user;
  }
}

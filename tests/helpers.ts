// Test set-up: a real Loa on a real SQLite file in a fresh temporary folder, with a fixed clock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig, type Config } from '../src/config.ts';
import { createLoa, type Loa, type LoaOptions } from '../src/loa.ts';
import { silentLogger } from '../src/logger.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** Encrypts channel secrets at rest in tests (any 32 bytes). */
export const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

/** Server-to-server chat callers (the tests among them) choose the `user` with this key. */
export const CHAT_API_KEY = 'test-chat-api-key-0123456789';

/** 09:00 on Thursday 26 November 2026 in Hanoi. */
export const THURSDAY_9AM = new Date('2026-11-26T02:00:00Z');

/** How `npm start` runs Loa (package.json): node's flags, then the entry point. */
export function startCommand(): { nodeArgs: string[]; entry: string } {
  const words = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start as string).split(/\s+/);
  if (words[0] !== 'node') throw new Error('the start script should run node directly');
  return { nodeArgs: words.slice(1, -1), entry: words[words.length - 1] };
}

export function tempDir(prefix = 'loa-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Tests of other features send many messages from one address within a fixed clock's minute: the
 * limits are off for them, and tests/security/rate-limits.test.ts turns them on.
 */
export const NO_RATE_LIMITS = {
  CHAT_RATE_PER_IP: '0', CHAT_RATE_PER_CONVERSATION: '0', NEW_CONTACTS_PER_IP_PER_HOUR: '0', WEBHOOK_RATE_PER_IP: '0', WEBHOOK_RATE_PER_CONVERSATION: '0',
};

export function testConfig(overrides: Record<string, string> = {}): Config {
  // The privacy notice a new parent's first answer links is tested on its own (tests/secops).
  return loadConfig({ DATA_DIR: tempDir(), ADMIN_TOKEN, SECRETS_KEY, CHAT_API_KEY, PRIVACY_NOTICE: 'false', LOG_LEVEL: 'silent', ...NO_RATE_LIMITS, ...overrides });
}

export interface TestLoa extends Loa {
  clockAt(date: Date | string): void;
  chat(user: string, text: string, extra?: Record<string, unknown>): Promise<request.Response>;
  say(user: string, text: string): Promise<string>;
  admin(): { get(url: string): request.Test; post(url: string): request.Test; put(url: string): request.Test; patch(url: string): request.Test; delete(url: string): request.Test };
}

export async function startLoa(options: { config?: Config; now?: Date } & LoaOptions = {}): Promise<TestLoa> {
  let now = options.now ?? THURSDAY_9AM;
  const loa = await createLoa(options.config ?? testConfig(), { logger: silentLogger(), clock: () => now, ...options });
  const agent = request(loa.app);
  return Object.assign(loa, {
    clockAt(date: Date | string) {
      now = new Date(date);
    },
    chat(user: string, text: string, extra: Record<string, unknown> = {}) {
      return agent.post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user, text, ...extra });
    },
    async say(user: string, text: string) {
      const res = await agent.post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user, text });
      if (res.status !== 200) throw new Error(`chat answered ${res.status}: ${JSON.stringify(res.body)}`);
      return (res.body.replies as { text: string }[]).map((r) => r.text).join('\n');
    },
    admin() {
      return withBearer(loa.app, ADMIN_TOKEN);
    },
  });
}

/** Requests to an app with a bearer token (the admin API's scripts' way in). */
export function withBearer(app: Parameters<typeof request>[0], token: string) {
  const auth = (t: request.Test) => t.set('authorization', `Bearer ${token}`);
  const agent = request(app);
  return {
    get: (url: string) => auth(agent.get(url)),
    post: (url: string) => auth(agent.post(url)),
    put: (url: string) => auth(agent.put(url)),
    patch: (url: string) => auth(agent.patch(url)),
    delete: (url: string) => auth(agent.delete(url)),
  };
}

/** A web-chat parent subscribed to a group: an announcement to it has someone to reach (one with
 *  nobody is refused at submission). */
export async function subscribedParent(loa: TestLoa, groupId: string, userId = 'phu-huynh-nhom'): Promise<void> {
  const ref = { channel: 'webchat' as const, accountId: 'web', userId, threadId: userId, threadType: 'user' as const };
  const at = '2026-11-01T01:00:00.000Z';
  const contact = await loa.store.contacts.touch(ref, at, 'Phụ huynh');
  await loa.store.subscriptions.subscribe(contact.id, groupId, 'chat', 'webchat', at);
}

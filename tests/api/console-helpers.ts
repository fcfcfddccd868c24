// Console test helpers: people with API tokens (scripts) or signed-in browsers (cookies).
import request from 'supertest';
import { withBearer, type TestLoa } from '../helpers.ts';
import type { Role } from '../../src/store/types.ts';
import { UserService } from '../../src/features/users/user-service.ts';

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

let counter = 0;

/** A user created through the admin API, with a personal API token issued for them. */
export async function userWithToken(loa: TestLoa, input: { name: string; role: Role; classIds?: string[]; username?: string }): Promise<TestUser> {
  const username = input.username ?? `user${++counter}`;
  const res = await loa.admin().post('/api/admin/users').send({ username, name: input.name, role: input.role, ...(input.classIds ? { classIds: input.classIds } : {}) });
  if (res.status !== 201) throw new Error(`creating ${username} answered ${res.status}: ${JSON.stringify(res.body)}`);
  // Issued as `npm run users -- token` does, valid through every test clock.
  const { token } = await new UserService({ store: loa.store, clock: () => new Date('2026-01-01T00:00:00Z') }).issueToken(res.body.user.id, 'test', 730);
  return { id: res.body.user.id, username, token };
}

/** Requests with a bearer token. */
export function withToken(loa: TestLoa, token: string) {
  return withBearer(loa.app, token);
}

export const ORIGIN = 'http://console.test';

/**
 * A browser: keeps cookies, sends Host and Origin of one site (what a real browser sends for the
 * console's own fetches).
 */
export function browser(loa: TestLoa, origin = ORIGIN) {
  const agent = request.agent(loa.app);
  const host = new URL(ORIGIN).host;
  const same = (t: request.Test) => t.set('host', host).set('origin', origin);
  return {
    agent,
    get: (url: string) => agent.get(url).set('host', host),
    post: (url: string) => same(agent.post(url)),
    put: (url: string) => same(agent.put(url)),
    patch: (url: string) => same(agent.patch(url)),
    delete: (url: string) => same(agent.delete(url)),
  };
}

/** A user who chose a password through their set-up link and is signed in, in a browser. */
export async function signedIn(loa: TestLoa, input: { name: string; role: Role; classIds?: string[]; username?: string; password?: string }) {
  const username = input.username ?? `user${++counter}`;
  const password = input.password ?? 'hoa-sen-2026!';
  const created = await loa.admin().post('/api/admin/users').send({ username, name: input.name, role: input.role, ...(input.classIds ? { classIds: input.classIds } : {}) });
  if (created.status !== 201) throw new Error(`creating ${username} answered ${created.status}: ${JSON.stringify(created.body)}`);
  const b = browser(loa);
  const token = String(created.body.setupUrl).split('/').pop();
  const setup = await b.post(`/api/auth/setup/${token}`).send({ password });
  if (setup.status !== 200) throw new Error(`set-up answered ${setup.status}: ${JSON.stringify(setup.body)}`);
  return { id: created.body.user.id as string, username, password, browser: b };
}

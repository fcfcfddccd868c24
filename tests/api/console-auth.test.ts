// Signing in to the console: set-up links, passwords, sessions in the store, sign-out,
// throttling, the Origin check, personal API tokens.
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createLoa } from '../../src/loa.ts';
import { silentLogger } from '../../src/logger.ts';
import { startLoa, testConfig, THURSDAY_9AM, type TestLoa } from '../helpers.ts';
import { browser, ORIGIN, signedIn, withToken } from './console-helpers.ts';

describe('console sign-in', () => {
  let loa: TestLoa;
  afterEach(async () => { await loa?.close(); });

  const createUser = async (username: string, role = 'staff') => {
    const res = await loa.admin().post('/api/admin/users').send({ username, name: `Cô ${username}`, role });
    expect(res.status).toBe(201);
    return { id: res.body.user.id as string, token: String(res.body.setupUrl).split('/').pop()!, res };
  };

  it('a set-up link lets the person choose a good password once, then signs them in with an HttpOnly cookie', async () => {
    loa = await startLoa();
    const { token, res } = await createUser('cothu');
    expect(Date.parse(res.body.expiresAt) - THURSDAY_9AM.getTime()).toBe(72 * 3600_000);
    const b = browser(loa);
    expect((await b.get(`/api/auth/setup/${token}`)).body).toMatchObject({ username: 'cothu', name: 'Cô cothu' });

    const short = await b.post(`/api/auth/setup/${token}`).send({ password: 'abc123' });
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({ code: 'weak_password', message: 'Mật khẩu phải có ít nhất 8 ký tự.' });
    const common = await b.post(`/api/auth/setup/${token}`).set('accept-language', 'en').send({ password: 'matkhau123' });
    expect(common.body.error).toMatchObject({ code: 'weak_password', message: 'This password is too common or easy to guess; please choose another.' });

    const ok = await b.post(`/api/auth/setup/${token}`).send({ password: 'Sen-hong-12' });
    expect(ok.status).toBe(200);
    const cookie = ok.headers['set-cookie'][0] as string;
    expect(cookie).toMatch(/^loa_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const me = await b.get('/api/admin/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ user: { username: 'cothu', role: 'staff' }, unansweredCount: 0 });

    // One-time: the link is spent.
    expect((await browser(loa).get(`/api/auth/setup/${token}`)).status).toBe(410);
    expect((await browser(loa).post(`/api/auth/setup/${token}`).send({ password: 'Another-pass-9' })).body.error.code).toBe('link_expired');
    // The password works; the stored hash is scrypt, never the password.
    expect((await browser(loa).post('/api/auth/login').send({ username: 'CoThu', password: 'Sen-hong-12' })).status).toBe(200);
    const row = await loa.store.users.passwordHash(ok.body.user.id);
    expect(row).toMatch(/^scrypt\$/);
    expect(row).not.toContain('Sen-hong-12');
  });

  it('set-up links expire after 72 hours, and a new link replaces the old one', async () => {
    loa = await startLoa();
    const { id, token } = await createUser('cothu');
    loa.clockAt(new Date(THURSDAY_9AM.getTime() + 73 * 3600_000));
    expect((await browser(loa).get(`/api/auth/setup/${token}`)).status).toBe(410);
    const again = await loa.admin().post(`/api/admin/users/${id}/setup-link`);
    expect(again.status).toBe(200);
    const fresh = String(again.body.setupUrl).split('/').pop()!;
    expect((await browser(loa).post(`/api/auth/setup/${fresh}`).send({ password: 'Sen-hong-12' })).status).toBe(200);
    const older = await loa.admin().post(`/api/admin/users/${id}/setup-link`);
    await loa.admin().post(`/api/admin/users/${id}/setup-link`);
    expect((await browser(loa).get(`/api/auth/setup/${String(older.body.setupUrl).split('/').pop()}`)).status).toBe(410);
  });

  it('refuses wrong passwords and unknown users alike, and slows a username down after 5 failures in a row', async () => {
    loa = await startLoa();
    await signedIn(loa, { name: 'Cô Hòa', role: 'principal', username: 'cohoa', password: 'Sen-hong-12' });
    const login = (username: string, password: string) => browser(loa).post('/api/auth/login').send({ username, password });
    const wrong = await login('cohoa', 'nope-nope-1');
    const unknown = await login('nobody', 'nope-nope-1');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error).toEqual({ code: 'bad_credentials', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
    for (let i = 0; i < 4; i++) expect((await login('cohoa', `wrong-${i}-xx`)).status).toBe(401);
    // Five in a row: even the right password waits now, and says how long.
    const slowed = await login('cohoa', 'Sen-hong-12');
    expect(slowed.status).toBe(429);
    expect(slowed.body.error).toMatchObject({ code: 'too_many_attempts', retryAfter: 30 });
    expect(slowed.headers['retry-after']).toBe('30');
    // Unknown usernames are slowed the same way (nothing tells them apart).
    for (let i = 0; i < 5; i++) await login('nobody', `wrong-${i}-xx`);
    expect((await login('nobody', 'x-x-x-x-x-x')).status).toBe(429);
    loa.clockAt(new Date(THURSDAY_9AM.getTime() + 31_000));
    expect((await login('cohoa', 'Sen-hong-12')).status).toBe(200);
    // A success clears the count.
    expect((await login('cohoa', 'wrong-again')).status).toBe(401);
    expect((await login('cohoa', 'Sen-hong-12')).status).toBe(200);
  });

  it('keeps sessions in the store: they survive a restart', async () => {
    const config = testConfig();
    loa = await startLoa({ config });
    await signedIn(loa, { name: 'Cô Hòa', role: 'principal', username: 'cohoa', password: 'Sen-hong-12' });
    const login = await request(loa.app).post('/api/auth/login').send({ username: 'cohoa', password: 'Sen-hong-12' });
    const cookie = /loa_session=([^;]+)/.exec(login.headers['set-cookie'][0])![1];
    await loa.close();
    loa = await startLoa({ config });
    // The same cookie, against a new process on the same store.
    const res = await request(loa.app).get('/api/admin/me').set('cookie', `loa_session=${cookie}`);
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('principal');
    // A visit keeps it going for 30 more days; thirty days without one end it for good.
    const me = () => request(loa.app).get('/api/admin/me').set('cookie', `loa_session=${cookie}`);
    const day = (n: number) => new Date(THURSDAY_9AM.getTime() + n * 86_400_000);
    loa.clockAt(day(20));
    expect((await me()).status).toBe(200);
    loa.clockAt(day(45));
    expect((await me()).status).toBe(200);
    loa.clockAt(day(76));
    expect((await me()).status).toBe(401);
    loa.clockAt(day(45));
    expect((await me()).status).toBe(401);
  });

  it('signing out ends the session; signing out everywhere and deactivation end all of them', async () => {
    loa = await startLoa();
    const a = await signedIn(loa, { name: 'Cô Hòa', role: 'principal', username: 'cohoa', password: 'Sen-hong-12' });
    const second = browser(loa);
    expect((await second.post('/api/auth/login').send({ username: 'cohoa', password: 'Sen-hong-12' })).status).toBe(200);
    const third = browser(loa);
    await third.post('/api/auth/login').send({ username: 'cohoa', password: 'Sen-hong-12' });

    const out = await a.browser.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie'][0]).toMatch(/loa_session=;/);
    expect((await a.browser.get('/api/admin/me')).status).toBe(401);
    expect((await second.get('/api/admin/me')).status).toBe(200);

    expect((await second.post('/api/auth/logout-all')).status).toBe(204);
    expect((await third.get('/api/admin/me')).status).toBe(401);

    const fourth = browser(loa);
    await fourth.post('/api/auth/login').send({ username: 'cohoa', password: 'Sen-hong-12' });
    expect((await fourth.get('/api/admin/me')).status).toBe(200);
    await loa.admin().patch(`/api/admin/users/${a.id}`).send({ disabled: true });
    expect((await fourth.get('/api/admin/me')).status).toBe(401);
    expect((await browser(loa).post('/api/auth/login').send({ username: 'cohoa', password: 'Sen-hong-12' })).status).toBe(401);
    expect(await loa.store.staffSessions.deleteForUser(a.id)).toBe(0);
  });

  it('refuses cookie-signed changes from another origin (or none); bearer scripts need no Origin', async () => {
    loa = await startLoa();
    const admin = await signedIn(loa, { name: 'Thầy Nam', role: 'admin' });
    const evil = admin.browser.agent.post('/api/admin/users').set('host', 'console.test').set('origin', 'https://evil.example').send({ username: 'evil', name: 'E', role: 'admin' });
    const refused = await evil;
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('csrf');
    expect((await admin.browser.agent.post('/api/admin/users').set('host', 'console.test').send({ username: 'evil', name: 'E', role: 'admin' })).status).toBe(403);
    expect((await admin.browser.post('/api/admin/users').send({ username: 'good', name: 'G', role: 'viewer' })).status).toBe(201);
    // Reads are fine without an Origin; scripts with a token never send one.
    expect((await admin.browser.agent.get('/api/admin/users').set('host', 'console.test')).status).toBe(200);
    expect((await loa.admin().post('/api/admin/users').send({ username: 'script', name: 'S', role: 'viewer' })).status).toBe(201);
    expect(JSON.stringify(await loa.store.audit.list())).not.toContain('evil');
  });

  it('PUBLIC_URL names the origin; behind a trusted HTTPS proxy the cookie is Secure', async () => {
    loa = await startLoa({ config: testConfig({ PUBLIC_URL: 'https://loa.hoasen.edu.vn' }) });
    const created = await loa.admin().post('/api/admin/users').send({ username: 'cohoa', name: 'Cô Hòa', role: 'principal' });
    const token = String(created.body.setupUrl).split('/').pop();
    const res = await request(loa.app).post(`/api/auth/setup/${token}`).set('x-forwarded-proto', 'https').set('origin', 'https://loa.hoasen.edu.vn').send({ password: 'Sen-hong-12' });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie'][0]).toMatch(/; Secure/);
    const cookie = /loa_session=([^;]+)/.exec(res.headers['set-cookie'][0])![1];
    const post = (origin: string) => request(loa.app).post('/api/auth/logout-all').set('cookie', `loa_session=${cookie}`).set('origin', origin);
    expect((await post(ORIGIN)).status).toBe(403);
    expect((await post('https://loa.hoasen.edu.vn')).status).toBe(204);
  });

  it('does not trust X-Forwarded-Proto when TRUST_PROXY=false', async () => {
    loa = await startLoa({ config: testConfig({ TRUST_PROXY: 'false' }) });
    const created = await loa.admin().post('/api/admin/users').send({ username: 'cohoa', name: 'Cô Hòa', role: 'principal' });
    const res = await request(loa.app).post(`/api/auth/setup/${String(created.body.setupUrl).split('/').pop()}`).set('x-forwarded-proto', 'https').send({ password: 'Sen-hong-12' });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie'][0]).not.toMatch(/Secure/);
  });

  it('personal API tokens: shown once, listed without the secret, usable by scripts, revocable, expiring', async () => {
    loa = await startLoa();
    const me = await signedIn(loa, { name: 'Cô Hòa', role: 'principal' });
    const created = await me.browser.post('/api/admin/tokens').send({ name: 'báo cáo tuần', days: 30 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'báo cáo tuần', lastUsedAt: null });
    expect(Date.parse(created.body.expiresAt) - THURSDAY_9AM.getTime()).toBe(30 * 86_400_000);
    const token = created.body.token as string;
    const listed = await me.browser.get('/api/admin/tokens');
    expect(listed.body.tokens).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const script = withToken(loa, token);
    expect((await script.get('/api/admin/me')).body.user.role).toBe('principal');
    expect((await me.browser.get('/api/admin/tokens')).body.tokens[0].lastUsedAt).toBe(THURSDAY_9AM.toISOString());
    // Expired after its days.
    loa.clockAt(new Date(THURSDAY_9AM.getTime() + 31 * 86_400_000));
    expect((await script.get('/api/admin/me')).status).toBe(401);
    loa.clockAt(THURSDAY_9AM);
    // Someone else cannot revoke it; its owner can.
    const other = await signedIn(loa, { name: 'Cô Thu', role: 'staff' });
    expect((await other.browser.delete(`/api/admin/tokens/${created.body.id}`)).status).toBe(404);
    expect((await me.browser.delete(`/api/admin/tokens/${created.body.id}`)).status).toBe(204);
    expect((await script.get('/api/admin/me')).status).toBe(401);
    const log = await loa.store.audit.list();
    expect(log.map((e) => e.action)).toContain('token.create');
    expect(JSON.stringify(log)).not.toContain(token);
  });

  it('lets an admin give a username to a user made before the console', async () => {
    loa = await startLoa();
    const legacy = await loa.store.users.create({ username: 'temp', name: 'Cô Cũ', role: 'staff', classIds: [] }, THURSDAY_9AM.toISOString());
    await loa.store.users.update(legacy!.id, { username: null });
    const res = await loa.admin().patch(`/api/admin/users/${legacy!.id}`).send({ username: 'cocu' });
    expect(res.body.user.username).toBe('cocu');
    await loa.admin().post('/api/admin/users').send({ username: 'taken', name: 'T', role: 'viewer' });
    expect((await loa.admin().patch(`/api/admin/users/${legacy!.id}`).send({ username: 'taken' })).status).toBe(409);
  });

  it('still accepts ADMIN_TOKEN to bootstrap a fresh install', async () => {
    const config = testConfig();
    const fresh = await createLoa(config, { logger: silentLogger(), clock: () => THURSDAY_9AM });
    loa = fresh as TestLoa;
    const res = await request(fresh.app).post('/api/admin/users').set('authorization', `Bearer ${config.ADMIN_TOKEN}`).send({ username: 'first', name: 'Hiệu trưởng', role: 'admin' });
    expect(res.status).toBe(201);
  });

  it('does not let an admin lock themselves out', async () => {
    loa = await startLoa();
    const admin = await signedIn(loa, { name: 'Thầy Nam', role: 'admin' });
    const self = await admin.browser.patch(`/api/admin/users/${admin.id}`).send({ disabled: true });
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('self_lockout');
    expect((await admin.browser.patch(`/api/admin/users/${admin.id}`).send({ role: 'viewer' })).status).toBe(400);
    expect((await admin.browser.patch(`/api/admin/users/${admin.id}`).send({ name: 'Thầy Nam (CNTT)' })).status).toBe(200);
    expect((await loa.admin().patch(`/api/admin/users/${admin.id}`).send({ role: 'principal' })).status).toBe(200);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, type TestLoa } from '../helpers.ts';

describe('admin API: auth, roles, audit', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  const as = (token: string) => ({
    get: (url: string) => request(loa.app).get(url).set('authorization', `Bearer ${token}`),
    post: (url: string) => request(loa.app).post(url).set('authorization', `Bearer ${token}`),
    put: (url: string) => request(loa.app).put(url).set('authorization', `Bearer ${token}`),
  });

  it('answers 401 without a token or with a wrong one', async () => {
    const none = await request(loa.app).get('/api/admin/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await as('wrong-token').get('/api/admin/me')).status).toBe(401);
  });

  it('accepts ADMIN_TOKEN as the bootstrap admin', async () => {
    const res = await loa.admin().get('/api/admin/me');
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ role: 'admin', id: 'bootstrap-admin' });
  });

  it('creates users whose token is shown once and stored hashed; roles limit what they may do', async () => {
    const created = await loa.admin().post('/api/admin/users').send({ name: 'Cô Thu', role: 'staff', classIds: ['la-a1'] });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^loa_/);
    const users = await loa.admin().get('/api/admin/users');
    expect(JSON.stringify(users.body)).not.toContain(token);

    const staff = as(token);
    expect((await staff.get('/api/admin/me')).body.user).toMatchObject({ name: 'Cô Thu', role: 'staff', classIds: ['la-a1'] });
    const forbidden = await staff.get('/api/admin/users');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ code: 'forbidden' });
    expect((await staff.put('/api/admin/school/fees').send({})).status).toBe(403);
    expect((await staff.get('/api/admin/intents')).status).toBe(200);

    // Disabled users lose access at once.
    await loa.admin().patch(`/api/admin/users/${created.body.user.id}`).send({ disabled: true });
    expect((await staff.get('/api/admin/me')).status).toBe(401);
  });

  it('refuses users for unknown classes or roles', async () => {
    const res = await loa.admin().post('/api/admin/users').send({ name: 'X', role: 'staff', classIds: ['lop-khong-co'] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('unknown class "lop-khong-co"');
    expect((await loa.admin().post('/api/admin/users').send({ name: 'X', role: 'janitor' })).status).toBe(400);
  });

  it('writes every change to the audit log with who, what and when, without secrets', async () => {
    await loa.admin().post('/api/admin/users').send({ name: 'Cô Hòa', role: 'principal' });
    const fees = (await loa.admin().get('/api/admin/school/fees')).body.data;
    await loa.admin().put('/api/admin/school/fees').send({ ...fees, items: fees.items.map((i: { id: string; amount: number }) => (i.id === 'meals' ? { ...i, amount: 27000 } : i)) });
    const log = (await loa.admin().get('/api/admin/audit')).body.entries;
    expect(log.map((e: { action: string }) => e.action)).toEqual(['school.update', 'user.create']);
    expect(log[0]).toMatchObject({ actor: 'ADMIN_TOKEN (bootstrap-admin)', target: 'school:fees' });
    expect(Date.parse(log[0].at)).toBe(Date.parse('2026-11-26T02:00:00Z'));
    expect(JSON.stringify(log)).not.toMatch(/loa_/);
    // Reads are not audited; refused changes are not either.
    await loa.admin().put('/api/admin/school/fees').send({ nonsense: true });
    expect((await loa.admin().get('/api/admin/audit')).body.entries).toHaveLength(2);
  });

  it('answers bad admin bodies with the reason', async () => {
    const res = await loa.admin().post('/api/admin/users').set('content-type', 'application/json').send('{bad');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });
});

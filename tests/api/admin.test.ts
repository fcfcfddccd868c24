import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, type TestLoa } from '../helpers.ts';
import { userWithToken } from './console-helpers.ts';

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

  it('creates users with a set-up link; their API tokens are stored hashed; roles limit what they may do', async () => {
    const created = await loa.admin().post('/api/admin/users').send({ username: 'cothu', name: 'Cô Thu', role: 'staff', classIds: ['la-a1'] });
    expect(created.status).toBe(201);
    expect(created.body.setupUrl).toMatch(/^\/admin\/setup\/[\w-]{20,}$/);
    expect(created.body.token).toBeUndefined();
    const { token } = await userWithToken(loa, { name: 'Cô Thu 2', role: 'staff', classIds: ['la-a1'] });
    expect(token).toMatch(/^loa_/);
    const users = await loa.admin().get('/api/admin/users');
    expect(JSON.stringify(users.body)).not.toContain(token);

    const staff = as(token);
    expect((await staff.get('/api/admin/me')).body.user).toMatchObject({ name: 'Cô Thu 2', role: 'staff', classIds: ['la-a1'] });
    const forbidden = await staff.get('/api/admin/users');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toEqual({ code: 'forbidden', message: 'Vai trò của bạn không được làm việc này.' });
    // A refusal with its own words keeps them.
    const other = await staff.post('/api/admin/staff/link-code').send({ userId: created.body.user.id });
    expect(other.body.error).toEqual({ code: 'forbidden', message: 'only an admin makes codes for others' });
    expect((await staff.put('/api/admin/school/fees').send({})).status).toBe(403);
    expect((await staff.get('/api/admin/intents')).status).toBe(200);

    // Disabled users lose access at once.
    const id = (await staff.get('/api/admin/me')).body.user.id;
    await loa.admin().patch(`/api/admin/users/${id}`).send({ disabled: true });
    expect((await staff.get('/api/admin/me')).status).toBe(401);
  });

  it('refuses users for unknown classes or roles, in the person\'s language', async () => {
    const res = await loa.admin().post('/api/admin/users').send({ username: 'x-user', name: 'X', role: 'staff', classIds: ['lop-khong-co'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'unknown_class', message: 'Không có lớp: lop-khong-co.' });
    const en = await loa.admin().post('/api/admin/users').set('accept-language', 'en-US,en;q=0.8').send({ username: 'x-user', name: 'X', role: 'staff', classIds: ['lop-khong-co'] });
    expect(en.body.error.message).toBe('No such class: lop-khong-co.');
    const role = await loa.admin().post('/api/admin/users').send({ username: 'x-user', name: 'X', role: 'janitor' });
    expect(role.status).toBe(400);
    expect(role.body.error.fields.role).toMatch(/^Chọn một trong: admin, principal, staff, viewer/);
  });

  it('writes every change to the audit log with who, what and when, without secrets', async () => {
    await loa.admin().post('/api/admin/users').send({ username: 'cohoa', name: 'Cô Hòa', role: 'principal' });
    const fees = (await loa.admin().get('/api/admin/school/fees')).body.data;
    await loa.admin().put('/api/admin/school/fees').send({ ...fees, items: fees.items.map((i: { id: string; amount: number }) => (i.id === 'meals' ? { ...i, amount: 27000 } : i)) });
    const log = (await loa.admin().get('/api/admin/audit')).body.entries;
    expect(log.map((e: { action: string }) => e.action)).toEqual(['school.update', 'user.create']);
    expect(log[0]).toMatchObject({ actor: 'ADMIN_TOKEN (bootstrap-admin)', target: 'school:fees' });
    expect(Date.parse(log[0].at)).toBe(Date.parse('2026-11-26T02:00:00Z'));
    expect(JSON.stringify(log)).not.toMatch(/loa_|setup\//);
    // Reads are not audited; refused changes are not either.
    await loa.admin().put('/api/admin/school/fees').send({ nonsense: true });
    expect((await loa.admin().get('/api/admin/audit')).body.entries).toHaveLength(2);
  });

  it('answers bad admin bodies with the reason', async () => {
    const res = await loa.admin().post('/api/admin/users').set('content-type', 'application/json').send('{bad');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'malformed_json', message: 'Dữ liệu gửi lên không phải JSON hợp lệ.' });
    const en = await loa.admin().post('/api/admin/users').set('accept-language', 'en').set('content-type', 'application/json').send('{bad');
    expect(en.body.error.message).toBe('The request body is not valid JSON.');
  });
});

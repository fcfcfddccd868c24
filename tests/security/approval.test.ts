// Finding 8: a principal created, submitted and approved her own announcement; staff cancelled an
// announcement the principal had approved, and edited the principal's draft.
import type { Role } from '../../src/store/types.ts';
import { userWithToken } from '../api/console-helpers.ts';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, subscribedParent, testConfig, type TestLoa } from '../helpers.ts';

describe('approval of announcements', () => {
  let loa: TestLoa;
  afterEach(async () => loa.close());

  const user = async (name: string, role: Role) => {
    return (await userWithToken(loa, { name, role })).token;
  };
  const as = (token: string) => ({
    post: (url: string) => request(loa.app).post(url).set('authorization', `Bearer ${token}`),
    put: (url: string) => request(loa.app).put(url).set('authorization', `Bearer ${token}`),
  });
  const body = { title: 'Nghỉ lễ', text: { vi: 'Trường nghỉ ngày 1/1.' }, audience: { groups: ['la-a1'] }, sendAt: '2026-12-30T01:00:00Z' };
  const drafted = async (token: string) => {
    await subscribedParent(loa, 'la-a1');
    return (await as(token).post('/api/admin/broadcasts').send(body)).body.id as number;
  };

  it('by default a different principal or admin approves', async () => {
    loa = await startLoa();
    const hoa = await user('Cô Hòa', 'principal');
    const lan = await user('Cô Lan', 'principal');
    const id = await drafted(hoa);
    await as(hoa).post(`/api/admin/broadcasts/${id}/submit`);
    const own = await as(hoa).post(`/api/admin/broadcasts/${id}/approve`);
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/another|APPROVAL_SELF/);
    expect((await loa.store.broadcasts.get(id))?.status).toBe('pending_approval');
    const other = await as(lan).post(`/api/admin/broadcasts/${id}/approve`);
    expect(other.status).toBe(200);
    expect(other.body.broadcast.status).toBe('scheduled');
  });

  it('a submitter cannot approve what they submitted either', async () => {
    loa = await startLoa();
    const staff = await user('Cô Mai', 'staff');
    const hoa = await user('Cô Hòa', 'principal');
    const id = await drafted(staff);
    await as(hoa).post(`/api/admin/broadcasts/${id}/submit`).expect(403); // only the author submits
    await as(staff).post(`/api/admin/broadcasts/${id}/submit`).expect(200);
    await as(hoa).post(`/api/admin/broadcasts/${id}/approve`).expect(200);
  });

  it('APPROVAL_SELF=1 lets a one-approver school approve its own, audited as such', async () => {
    loa = await startLoa({ config: testConfig({ APPROVAL_SELF: '1' }) });
    const hoa = await user('Cô Hòa', 'principal');
    const id = await drafted(hoa);
    await as(hoa).post(`/api/admin/broadcasts/${id}/submit`);
    expect((await as(hoa).post(`/api/admin/broadcasts/${id}/approve`)).status).toBe(200);
    const [entry] = await loa.store.audit.list({ action: 'broadcast.approve' });
    expect(entry.details).toMatchObject({ selfApproved: true });
  });

  it('once approved only a principal or admin cancels; only the author edits a draft', async () => {
    loa = await startLoa();
    const staff = await user('Cô Mai', 'staff');
    const hoa = await user('Cô Hòa', 'principal');
    const lan = await user('Cô Lan', 'principal');
    const mine = await drafted(hoa);
    expect((await as(staff).put(`/api/admin/broadcasts/${mine}`).send({ ...body, title: 'Sửa' })).status).toBe(403);
    expect((await as(lan).put(`/api/admin/broadcasts/${mine}`).send({ ...body, title: 'Sửa' })).status).toBe(403);
    expect((await as(hoa).put(`/api/admin/broadcasts/${mine}`).send({ ...body, title: 'Sửa' })).status).toBe(200);
    await as(hoa).post(`/api/admin/broadcasts/${mine}/submit`);
    await as(lan).post(`/api/admin/broadcasts/${mine}/approve`).expect(200);
    expect((await as(staff).post(`/api/admin/broadcasts/${mine}/cancel`)).status).toBe(403);
    expect((await loa.store.broadcasts.get(mine))?.status).toBe('scheduled');
    expect((await as(lan).post(`/api/admin/broadcasts/${mine}/cancel`)).status).toBe(200);
    // Staff still withdraw their own announcement before it is approved.
    const own = await drafted(staff);
    await as(staff).post(`/api/admin/broadcasts/${own}/submit`);
    expect((await as(staff).post(`/api/admin/broadcasts/${own}/cancel`)).status).toBe(200);
  });
});

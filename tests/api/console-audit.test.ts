// The audit log screen: who did what and when, filtered by person, kind and days.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, THURSDAY_9AM, type TestLoa } from '../helpers.ts';
import { userWithToken, withToken } from './console-helpers.ts';

describe('audit log filters', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  it('filters by person, by kind and by the school\'s days, and lists the kinds', async () => {
    const principal = await userWithToken(loa, { name: 'Cô Hòa', role: 'principal' });
    const P = withToken(loa, principal.token);
    const fees = (await P.get('/api/admin/school/fees')).body.data;
    await P.put('/api/admin/school/fees').send(fees);
    // The next day (Friday, Hanoi): another change by the bootstrap admin.
    loa.clockAt(new Date(THURSDAY_9AM.getTime() + 86_400_000));
    await loa.admin().post('/api/admin/users').send({ username: 'cothu', name: 'Cô Thu', role: 'staff' });

    const all = (await P.get('/api/admin/audit')).body.entries;
    expect(all[0]).toMatchObject({ action: 'user.create', actorName: 'ADMIN_TOKEN', actorId: 'bootstrap-admin' });
    const byPrincipal = (await P.get(`/api/admin/audit?actor=${principal.id}`)).body.entries;
    expect(byPrincipal.map((e: { action: string }) => e.action)).toEqual(['school.update']);
    expect(byPrincipal[0].actorName).toBe('Cô Hòa');
    expect((await P.get('/api/admin/audit?action=user.create')).body.entries.every((e: { action: string }) => e.action === 'user.create')).toBe(true);
    const thursday = (await P.get('/api/admin/audit?since=2026-11-26&until=2026-11-26')).body.entries;
    expect(thursday.map((e: { action: string }) => e.action)).toEqual(['school.update', 'user.create']);
    const friday = (await P.get('/api/admin/audit?since=2026-11-27')).body.entries;
    expect(friday.map((e: { action: string }) => e.action)).toEqual(['user.create']);
    expect((await P.get('/api/admin/audit?limit=1')).body.entries).toHaveLength(1);
    expect((await P.get('/api/admin/audit?since=yesterday')).status).toBe(400);
    expect((await P.get('/api/admin/audit/actions')).body.actions).toEqual(['school.update', 'user.create']);

    const staff = await userWithToken(loa, { name: 'Cô Thu', role: 'staff' });
    expect((await withToken(loa, staff.token).get('/api/admin/audit')).status).toBe(403);
    expect((await withToken(loa, staff.token).get('/api/admin/audit/actions')).status).toBe(403);
  });
});

// Unanswered questions: grouped and counted, turned into a FAQ or added to an intent, ignored for
// good, and every action undone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, type TestLoa } from '../helpers.ts';
import { userWithToken, withToken } from './console-helpers.ts';
import express from 'express';
import request from 'supertest';
import { UnansweredService } from '../../src/features/faq/unanswered-service.ts';
import { unansweredRoutes } from '../../src/http/admin/unanswered-routes.ts';
import type { AuthedRequest } from '../../src/http/auth.ts';
import type { User } from '../../src/store/types.ts';

describe('unanswered questions', () => {
  let loa: TestLoa;
  beforeEach(async () => {
    loa = await startLoa();
    for (const [user, text] of [['p1', 'lớp có camera không ạ'], ['p2', 'lop co camera ko'], ['p3', 'giá vàng hôm nay'], ['p4', 'Lớp có camera không'], ['p5', 'gia vang hom nay bao nhieu'], ['p6', 'học phí bao nhiêu']]) {
      await loa.say(user, text);
    }
  });
  afterEach(async () => { await loa.close(); });

  const groups = async () => (await loa.admin().get('/api/admin/questions/unanswered/groups')).body;
  const count = async () => (await loa.admin().get('/api/admin/questions/unanswered/count')).body.count as number;
  const resolve = (body: object) => loa.admin().post('/api/admin/questions/unanswered/resolve').send(body);
  const undo = (undoId: string) => loa.admin().post('/api/admin/questions/unanswered/undo').send({ undoId });

  it('groups similar messages, most frequent first, with each message\'s best guess; counts them on /me', async () => {
    const body = await groups();
    expect(body.total).toBe(5);
    expect(body.groups.map((g: { count: number }) => g.count)).toEqual([3, 2]);
    const [camera, gold] = body.groups;
    expect(camera.sample).toBe('Lớp có camera không'); // the latest wording
    expect(camera.messages.map((m: { text: string }) => m.text).sort()).toEqual(['Lớp có camera không', 'lop co camera ko', 'lớp có camera không ạ']);
    expect(camera.messages[0].guess).toEqual({ intent: expect.any(String), confidence: expect.any(Number) });
    expect(camera.guesses.length).toBeGreaterThan(0);
    expect(camera.guesses[0].confidence).toBeGreaterThanOrEqual(camera.guesses[camera.guesses.length - 1].confidence);
    expect(gold.messages).toHaveLength(2);
    expect((await loa.admin().get('/api/admin/me')).body.unansweredCount).toBe(5);
    expect(await count()).toBe(5);
  });

  it('turns a group into a new FAQ that answers afterwards; undo takes it back', async () => {
    const [camera] = (await groups()).groups;
    const ids = camera.messages.map((m: { id: number }) => m.id);
    const res = await resolve({ ids, action: 'new_intent', intent: { id: 'camera', description: 'Camera trong lớp', answer: { vi: 'Dạ, mỗi lớp có camera; bố mẹ xem qua ứng dụng của trường ạ.' } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intentId: 'camera', training: true });
    expect(loa.nlu.getIntent('camera')?.utterances.vi).toHaveLength(3);
    expect(await count()).toBe(2);
    await loa.nlu.whenTrained();
    expect(await loa.say('p9', 'lớp con có camera không vậy')).toBe('Dạ, mỗi lớp có camera; bố mẹ xem qua ứng dụng của trường ạ.');
    expect((await loa.admin().get('/api/admin/audit')).body.entries[0]).toMatchObject({ action: 'unanswered.new_intent', target: 'intent:camera' });

    expect((await undo(res.body.undoId)).status).toBe(200);
    expect(loa.nlu.getIntent('camera')).toBeUndefined();
    expect(await count()).toBe(5);
    expect((await undo(res.body.undoId)).status).toBe(404); // once
  });

  it('adds a group to an existing intent (its utterances grow), and undo removes exactly those', async () => {
    const [camera] = (await groups()).groups;
    const before = loa.nlu.getIntent('contact')!.utterances.vi.length;
    const res = await resolve({ ids: camera.messages.map((m: { id: number }) => String(m.id)), action: 'add_to_intent', intentId: 'contact' }); // ids as a form gives them
    expect(res.status).toBe(200);
    expect(loa.nlu.getIntent('contact')!.utterances.vi).toHaveLength(before + 3);
    expect(loa.nlu.getIntent('contact')!.utterances.vi).toContain('lop co camera ko');
    await undo(res.body.undoId);
    expect(loa.nlu.getIntent('contact')!.utterances.vi).toHaveLength(before);
    expect((await resolve({ ids: [camera.messages[0].id], action: 'add_to_intent', intentId: 'nope' })).status).toBe(404);
  });

  it('ignored questions stay ignored, also when asked again; undo brings them back', async () => {
    const gold = (await groups()).groups[1];
    const res = await resolve({ ids: gold.messages.map((m: { id: number }) => m.id), action: 'ignore' });
    expect(res.body.training).toBe(false);
    expect(await count()).toBe(3);
    await loa.say('p7', 'giá vàng hôm nay');
    expect(await count()).toBe(3);
    expect((await groups()).groups.map((g: { sample: string }) => g.sample)).toEqual(['Lớp có camera không']);
    await undo(res.body.undoId);
    expect(await count()).toBe(6);
    expect((await resolve({ ids: [999999], action: 'ignore' })).status).toBe(404);
  });

  it('staff read the groups but do not resolve; viewers see only the count', async () => {
    const staff = withToken(loa, (await userWithToken(loa, { name: 'Cô Thu', role: 'staff' })).token);
    const viewer = withToken(loa, (await userWithToken(loa, { name: 'Xem', role: 'viewer' })).token);
    const principal = withToken(loa, (await userWithToken(loa, { name: 'Cô Hòa', role: 'principal' })).token);
    const [camera] = (await groups()).groups;
    expect((await staff.get('/api/admin/questions/unanswered/groups')).status).toBe(200);
    expect((await staff.post('/api/admin/questions/unanswered/resolve').send({ ids: [camera.messages[0].id], action: 'ignore' })).status).toBe(403);
    expect((await viewer.get('/api/admin/questions/unanswered/groups')).status).toBe(403);
    expect((await viewer.get('/api/admin/questions/unanswered/count')).body.count).toBe(5);
    expect((await principal.post('/api/admin/questions/unanswered/resolve').send({ ids: [camera.messages[0].id], action: 'ignore' })).status).toBe(200);
    const bad = await principal.post('/api/admin/questions/unanswered/resolve').set('accept-language', 'en').send({ ids: [], action: 'forget' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['action', 'ids']);
  });

  it('limits the questions to some parents when asked to (staff who look after some classes)', async () => {
    const service = new UnansweredService({ store: loa.store, nlu: loa.nlu, clock: () => new Date('2026-11-26T02:00:00Z'), today: () => '2026-11-26' });
    const p1 = (await loa.store.contacts.list()).find((c) => c.ref.userId === 'p1')!;
    const mine = await service.groups(200, new Set([p1.id]));
    expect(mine.total).toBe(1);
    expect(mine.groups[0].messages.map((m) => m.text)).toEqual(['lớp có camera không ạ']);
    expect(await service.count(new Set())).toBe(0);
    expect(await service.count(null)).toBe(5);
  });

  it('the routes ask whom the user may see (the class scope) for the groups and the count', async () => {
    const service = new UnansweredService({ store: loa.store, nlu: loa.nlu, clock: () => new Date('2026-11-26T02:00:00Z'), today: () => '2026-11-26' });
    const p2 = (await loa.store.contacts.list()).find((c) => c.ref.userId === 'p2')!;
    const staff: User = { id: 's1', username: 'co-la', name: 'Cô Lá', role: 'staff', classIds: ['la-a1'], createdAt: '', disabled: false };
    const asked: string[] = [];
    const app = express();
    app.use((req, _res, next) => { (req as AuthedRequest).user = staff; next(); });
    app.use(unansweredRoutes({ unanswered: service, audit: async () => {}, visibleContacts: async (u) => { asked.push(u.id); return new Set([p2.id]); } }));
    const groups = (await request(app).get('/questions/unanswered/groups')).body;
    expect(groups.total).toBe(1);
    expect(groups.groups[0].messages[0].text).toBe('lop co camera ko');
    expect((await request(app).get('/questions/unanswered/count')).body.count).toBe(1);
    expect(asked).toEqual(['s1', 's1']);
  });
});

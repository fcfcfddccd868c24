// Unanswered questions (messages the NLU puts out of scope: a football question, the price of gold): grouped and counted, turned into a FAQ or added to an intent, ignored for
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
    for (const [user, text] of [['p1', 'ai vô địch world cup năm nay ạ'], ['p2', 'ai vo dich world cup nam nay'], ['p3', 'giá vàng hôm nay'], ['p4', 'Ai vô địch World Cup năm nay'], ['p5', 'gia vang hom nay bao nhieu'], ['p6', 'học phí bao nhiêu']]) {
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
    const [football, gold] = body.groups;
    expect(football.sample).toBe('Ai vô địch World Cup năm nay'); // the latest wording
    expect(football.messages.map((m: { text: string }) => m.text).sort()).toEqual(['Ai vô địch World Cup năm nay', 'ai vo dich world cup nam nay', 'ai vô địch world cup năm nay ạ']);
    expect(football.messages[0].guess).toEqual({ intent: expect.any(String), confidence: expect.any(Number) });
    expect(football.guesses.length).toBeGreaterThan(0);
    expect(football.guesses[0].confidence).toBeGreaterThanOrEqual(football.guesses[football.guesses.length - 1].confidence);
    expect(gold.messages).toHaveLength(2);
    expect((await loa.admin().get('/api/admin/me')).body.unansweredCount).toBe(5);
    expect(await count()).toBe(5);
  });

  it('turns a group into a new FAQ that answers afterwards; undo takes it back', async () => {
    const [football] = (await groups()).groups;
    const ids = football.messages.map((m: { id: number }) => m.id);
    const res = await resolve({ ids, action: 'new_intent', intent: { id: 'world_cup', description: 'Bóng đá (câu hỏi ngoài lề)', answer: { vi: 'Dạ, em chỉ trả lời về việc của trường ạ.' } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intentId: 'world_cup', training: true });
    expect(loa.nlu.getIntent('world_cup')?.utterances.vi).toHaveLength(3);
    expect(await count()).toBe(2);
    await loa.nlu.whenTrained();
    expect(await loa.say('p9', 'world cup năm nay ai vô địch vậy')).toBe('Dạ, em chỉ trả lời về việc của trường ạ.');
    expect((await loa.admin().get('/api/admin/audit')).body.entries[0]).toMatchObject({ action: 'unanswered.new_intent', target: 'intent:world_cup' });

    expect((await undo(res.body.undoId)).status).toBe(200);
    expect(loa.nlu.getIntent('world_cup')).toBeUndefined();
    expect(await count()).toBe(5);
    expect((await undo(res.body.undoId)).status).toBe(404); // once
  });

  it('adds a group to an existing intent (its utterances grow), and undo removes exactly those', async () => {
    const [football] = (await groups()).groups;
    const before = loa.nlu.getIntent('contact')!.utterances.vi.length;
    const res = await resolve({ ids: football.messages.map((m: { id: number }) => String(m.id)), action: 'add_to_intent', intentId: 'contact' }); // ids as a form gives them
    expect(res.status).toBe(200);
    expect(loa.nlu.getIntent('contact')!.utterances.vi).toHaveLength(before + 3);
    expect(loa.nlu.getIntent('contact')!.utterances.vi).toContain('ai vo dich world cup nam nay');
    await undo(res.body.undoId);
    expect(loa.nlu.getIntent('contact')!.utterances.vi).toHaveLength(before);
    expect((await resolve({ ids: [football.messages[0].id], action: 'add_to_intent', intentId: 'nope' })).status).toBe(404);
  });

  it('ignored questions stay ignored, also when asked again; undo brings them back', async () => {
    const gold = (await groups()).groups[1];
    const res = await resolve({ ids: gold.messages.map((m: { id: number }) => m.id), action: 'ignore' });
    expect(res.body.training).toBe(false);
    expect(await count()).toBe(3);
    await loa.say('p7', 'giá vàng hôm nay');
    expect(await count()).toBe(3);
    expect((await groups()).groups.map((g: { sample: string }) => g.sample)).toEqual(['Ai vô địch World Cup năm nay']);
    await undo(res.body.undoId);
    expect(await count()).toBe(6);
    expect((await resolve({ ids: [999999], action: 'ignore' })).status).toBe(404);
  });

  it('staff read the groups but do not resolve; viewers see only the count', async () => {
    const staff = withToken(loa, (await userWithToken(loa, { name: 'Cô Thu', role: 'staff' })).token);
    const viewer = withToken(loa, (await userWithToken(loa, { name: 'Xem', role: 'viewer' })).token);
    const principal = withToken(loa, (await userWithToken(loa, { name: 'Cô Hòa', role: 'principal' })).token);
    const [football] = (await groups()).groups;
    expect((await staff.get('/api/admin/questions/unanswered/groups')).status).toBe(200);
    expect((await staff.post('/api/admin/questions/unanswered/resolve').send({ ids: [football.messages[0].id], action: 'ignore' })).status).toBe(403);
    expect((await viewer.get('/api/admin/questions/unanswered/groups')).status).toBe(403);
    expect((await viewer.get('/api/admin/questions/unanswered/count')).body.count).toBe(5);
    expect((await principal.post('/api/admin/questions/unanswered/resolve').send({ ids: [football.messages[0].id], action: 'ignore' })).status).toBe(200);
    const bad = await principal.post('/api/admin/questions/unanswered/resolve').set('accept-language', 'en').send({ ids: [], action: 'forget' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['action', 'ids']);
  });

  it('limits the questions to some parents when asked to (staff who look after some classes)', async () => {
    const service = new UnansweredService({ store: loa.store, nlu: loa.nlu, clock: () => new Date('2026-11-26T02:00:00Z'), today: () => '2026-11-26' });
    const p1 = (await loa.store.contacts.list()).find((c) => c.ref.userId === 'p1')!;
    const mine = await service.groups(200, new Set([p1.id]));
    expect(mine.total).toBe(1);
    expect(mine.groups[0].messages.map((m) => m.text)).toEqual(['ai vô địch world cup năm nay ạ']);
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
    expect(groups.groups[0].messages[0].text).toBe('ai vo dich world cup nam nay');
    expect((await request(app).get('/questions/unanswered/count')).body.count).toBe(1);
    expect(asked).toEqual(['s1', 's1']);
  });
});

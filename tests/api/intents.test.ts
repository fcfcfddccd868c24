import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { createLoa } from '../../src/loa.ts';
import { silentLogger } from '../../src/logger.ts';

const PARKING = {
  id: 'parking',
  description: 'Where parents can park their motorbikes',
  answer: 'answers.thanks',
  utterances: {
    vi: ['gửi xe ở đâu', 'gui xe o dau', 'chỗ để xe máy của phụ huynh', 'cho de xe may', 'đỗ xe ở đâu ạ', 'do xe o dau', 'bãi gửi xe', 'để xe ở cổng được không'],
    en: ['where can I park', 'parking for parents'],
  },
};

describe('admin API: intents and NLU', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  it('lists the content pack with every canonical intent', async () => {
    const res = await loa.admin().get('/api/admin/intents');
    const ids = res.body.intents.map((i: { id: string }) => i.id);
    for (const id of ['greeting', 'thanks', 'help', 'pickup_hours', 'fees', 'menu', 'calendar', 'events', 'enrollment', 'absence', 'feedback', 'contact', 'health', 'uniform', 'daily_routine', 'subscribe', 'unsubscribe', 'support_policy', 'human_agent', 'none']) {
      expect(ids).toContain(id);
    }
    for (const i of res.body.intents) {
      expect(i.utterances.vi, i.id).toBeGreaterThanOrEqual(30);
      expect(i.utterances.en, i.id).toBeGreaterThanOrEqual(8);
    }
  });

  it('tries a sentence: intent, confidence, runner-up, language, entities', async () => {
    const res = await loa.admin().post('/api/admin/nlu/parse').send({ text: 'cho bé Na lớp Lá A1 nghỉ thứ 2 tuần sau nhé cô' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intent: 'absence', language: 'vi', rejected: false });
    expect(res.body.confidence).toBeGreaterThan(0.5);
    expect(res.body.runnerUp.intent).not.toBe('absence');
    expect(res.body.entities).toEqual({ date: { kind: 'day', date: '2026-11-30', text: 'thu 2' }, classes: [{ id: 'la-a1', name: 'Lá A1' }], childName: 'Na' });
  });

  it('adds an intent, retrains in the background, and answers with it', async () => {
    expect((await loa.admin().post('/api/admin/nlu/parse').send({ text: 'gửi xe máy ở đâu ạ' })).body.intent).not.toBe('parking');
    const created = await loa.admin().post('/api/admin/intents').send(PARKING);
    expect(created.status).toBe(201);
    await loa.nlu.whenTrained();
    const parsed = await loa.admin().post('/api/admin/nlu/parse').send({ text: 'gửi xe máy ở đâu ạ' });
    expect(parsed.body.intent).toBe('parking');
    expect(parsed.body.modelVersion).toBe(1);
    expect((await loa.admin().get('/api/admin/audit')).body.entries[0]).toMatchObject({ action: 'intent.create', target: 'intent:parking' });
  });

  it('keeps answering with the old model while a new one trains', async () => {
    await loa.nlu.saveIntent(PARKING);
    // Training waits for the event loop: until then the old model answers, whole.
    expect(loa.nlu.modelVersion).toBe(0);
    const ctx = { today: '2026-11-26', classes: [], rememberedLanguage: null };
    expect(loa.nlu.parse('hoc phi bao nhieu', ctx).intent).toBe('fees');
    expect(loa.nlu.parse('bãi gửi xe ở đâu', ctx).intent).not.toBe('parking');
    await loa.nlu.whenTrained();
    expect(loa.nlu.modelVersion).toBe(1);
    expect(loa.nlu.parse('bãi gửi xe ở đâu', ctx).intent).toBe('parking');
  });

  it('edits survive a restart', async () => {
    const config = testConfig();
    const first = await createLoa(config, { logger: silentLogger() });
    await first.nlu.saveIntent(PARKING);
    await first.close();
    const second = await createLoa(config, { logger: silentLogger() });
    expect(second.nlu.getIntent('parking')?.utterances.vi).toHaveLength(8);
    expect(second.nlu.parse('bãi gửi xe ở đâu', { today: '2026-11-26', classes: [], rememberedLanguage: null }).intent).toBe('parking');
    await second.close();
  });

  it('refuses a bad intent with the reason, field by field', async () => {
    const bad = async (body: object, field: string, pattern: RegExp) => {
      const res = await loa.admin().post('/api/admin/intents').set('accept-language', 'en').send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.fields?.[field] ?? res.body.error.message, JSON.stringify(res.body)).toMatch(pattern);
    };
    await bad({ ...PARKING, id: 'Bad Id' }, 'id', /Lower-case letters, digits and underscores/);
    await bad({ ...PARKING, utterances: { vi: [] } }, 'utterances.vi', /At least 1 items/);
    await bad({ ...PARKING, answer: undefined, handler: 'launch_rocket' }, '_', /No handler “launch_rocket”/);
    await bad({ ...PARKING, answer: 'answers.does_not_exist' }, 'answer', /Not a valid value/);
    await bad({ ...PARKING, answer: undefined }, 'answer.vi', /Required/);
    expect((await loa.admin().post('/api/admin/intents').send({ ...PARKING, id: 'fees' })).status).toBe(409);
  });

  it('deletes an intent and forgets it', async () => {
    await loa.admin().post('/api/admin/intents').send(PARKING);
    expect((await loa.admin().delete('/api/admin/intents/parking')).status).toBe(204);
    expect((await loa.admin().get('/api/admin/intents/parking')).status).toBe(404);
    expect((await loa.admin().delete('/api/admin/intents/parking')).status).toBe(404);
  });
});

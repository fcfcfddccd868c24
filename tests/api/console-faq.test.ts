// The FAQ screens' API: the list, an intent's detail with its effective answers, edits that win
// over locales/, new intents, stale edits, on/off, retraining status, warnings, "Try it".
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, type TestLoa } from '../helpers.ts';
import { userWithToken, withToken } from './console-helpers.ts';

const PARKING = {
  id: 'parking',
  description: 'Chỗ gửi xe của phụ huynh',
  utterances: {
    vi: ['gửi xe ở đâu', 'gui xe o dau\nchỗ để xe máy của phụ huynh\ncho de xe may', 'đỗ xe ở đâu ạ', 'do xe o dau', 'bãi gửi xe', 'để xe ở cổng được không', 'gửi xe máy ở đâu ạ'],
    en: ['where can I park', 'parking for parents'],
  },
  answer: { vi: 'Bố mẹ gửi xe ở sân trước cổng {{school}}, gọi {{phone}} nếu cần.', en: 'Please park in the front yard of {{school}}.' },
  quickReplies: ['contact'],
};

describe('console FAQ', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  it('lists intents with on/off, utterance counts, answers in both languages and version; searches without diacritics', async () => {
    const listed = (await loa.admin().get('/api/admin/intents')).body;
    expect(listed.placeholders).toEqual(expect.arrayContaining([{ name: 'phone', example: '0229 3000 000' }]));
    const list = listed.intents;
    const fees = list.find((i: { id: string }) => i.id === 'fees');
    expect(fees).toMatchObject({ enabled: true, answers: { vi: true, en: true }, handler: 'fees', version: 0 });
    expect(list.find((i: { id: string }) => i.id === 'greeting')).toMatchObject({ answers: { vi: true, en: true } });
    const found = (await loa.admin().get('/api/admin/intents?q=hoc%20phi')).body.intents.map((i: { id: string }) => i.id);
    expect(found).toContain('fees');
    expect(found).not.toContain('greeting');
    expect((await loa.admin().get(`/api/admin/intents?q=${encodeURIComponent('HỌC PHÍ')}`)).body.intents.map((i: { id: string }) => i.id)).toContain('fees');
  });

  it('shows an intent\'s effective answer texts and the placeholders; an edited answer wins over locales/ at once', async () => {
    const before = (await loa.admin().get('/api/admin/intents/thanks')).body;
    expect(before.intent.answerSource).toEqual({ vi: 'file', en: 'file' });
    expect(before.intent.answer.vi).toMatch(/cảm ơn/);
    expect(before.intent.answerKey).toBe('answers.thanks');
    expect(before.placeholders).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'phone' }), expect.objectContaining({ name: 'school' })]));

    const put = await loa.admin().put('/api/admin/intents/thanks').send({
      utterances: before.intent.utterances, answer: { vi: 'Dạ không có gì ạ! {{school}} luôn sẵn lòng, gọi {{phone}} nhé.', en: before.intent.answer.en }, version: before.intent.version,
    });
    expect(put.status).toBe(200);
    expect(put.body.intent.answerSource).toEqual({ vi: 'store', en: 'file' });
    expect(put.body.training).toBe(true);
    await loa.nlu.whenTrained();
    const phone = (await loa.admin().get('/api/admin/school/profile')).body.data.phone;
    expect(await loa.say('p1', 'cảm ơn cô nhiều ạ')).toContain(`luôn sẵn lòng, gọi ${phone} nhé`);
    const en = await loa.chat('p2', 'thank you so much for your help');
    expect(en.body.locale).toBe('en');
    expect(en.body.replies[0].text).not.toContain('sẵn lòng');
  });

  it('creates a new FAQ that answers parents once trained; the pasted utterance lines are all kept', async () => {
    const created = await loa.admin().post('/api/admin/intents').send(PARKING);
    expect(created.status).toBe(201);
    expect(created.body.intent.utterances.vi).toHaveLength(9);
    expect(created.body.intent.quickReplies).toEqual([{ title: 'Liên hệ', payload: 'intent:contact' }]);
    expect(created.body.intent.answerSource).toEqual({ vi: 'store', en: 'store' });
    await loa.nlu.whenTrained();
    const status = (await loa.admin().get('/api/admin/nlu/status')).body;
    expect(status).toMatchObject({ modelVersion: 1, training: false });
    const reply = await loa.chat('p1', 'gửi xe máy ở đâu vậy cô');
    expect(reply.body.intent).toBe('parking');
    expect(reply.body.replies[0].text).toMatch(/^Bố mẹ gửi xe ở sân trước cổng Trường Mầm non Hoa Sen/);
    expect(reply.body.replies[0].quickReplies).toEqual([{ title: 'Liên hệ', payload: 'intent:contact' }]);
    expect((await loa.admin().get('/api/admin/audit')).body.entries[0]).toMatchObject({ action: 'intent.create', target: 'intent:parking' });
    // Without an English text the list says so, and the editor shows it empty (parents get the Vietnamese one).
    await loa.admin().post('/api/admin/intents').send({ ...PARKING, id: 'parking_vi', answer: { vi: 'Chỉ tiếng Việt.' } });
    expect((await loa.admin().get('/api/admin/intents')).body.intents.find((i: { id: string }) => i.id === 'parking_vi').answers).toEqual({ vi: true, en: false });
    expect((await loa.admin().get('/api/admin/intents/parking_vi')).body.intent.answer).toEqual({ vi: 'Chỉ tiếng Việt.', en: null });
  });

  it('refuses a stale edit with 409 and keeps what the other person saved', async () => {
    await loa.admin().post('/api/admin/intents').send(PARKING);
    const mine = (await loa.admin().get('/api/admin/intents/parking')).body.intent;
    const theirs = await loa.admin().put('/api/admin/intents/parking').send({ ...PARKING, description: 'theirs', version: mine.version });
    expect(theirs.status).toBe(200);
    expect(theirs.body.intent.version).toBe(mine.version + 1);
    const stale = await loa.admin().put('/api/admin/intents/parking').set('accept-language', 'en').send({ ...PARKING, description: 'mine', version: mine.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'stale', message: expect.stringMatching(/Someone else saved this/) });
    expect((await loa.admin().get('/api/admin/intents/parking')).body.intent.description).toBe('theirs');
  });

  it('switches an intent off (left out of training) and on again; "none" stays on', async () => {
    await loa.admin().post('/api/admin/intents').send(PARKING);
    await loa.nlu.whenTrained();
    const off = await loa.admin().patch('/api/admin/intents/parking').send({ enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.intent.enabled).toBe(false);
    await loa.nlu.whenTrained();
    expect((await loa.chat('p1', 'gửi xe máy ở đâu vậy cô')).body.intent).not.toBe('parking');
    await loa.admin().patch('/api/admin/intents/parking').send({ enabled: true });
    await loa.nlu.whenTrained();
    expect((await loa.chat('p2', 'gửi xe máy ở đâu vậy cô')).body.intent).toBe('parking');
    expect((await loa.admin().patch('/api/admin/intents/none').send({ enabled: false })).status).toBe(400);
    expect((await loa.admin().get('/api/admin/audit?action=intent.disable')).body.entries).toHaveLength(1);
  });

  it('warns while typing when the model sends an utterance elsewhere or another intent has a near-identical one', async () => {
    await loa.admin().post('/api/admin/intents').send(PARKING);
    await loa.nlu.whenTrained();
    const res = await loa.admin().post('/api/admin/nlu/check').send({ intentId: 'parking', text: 'học phí bao nhiêu ạ', language: 'vi' });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'model', intent: 'fees' }),
      expect.objectContaining({ kind: 'near_duplicate', intent: 'fees', utterance: expect.stringMatching(/h[oọ]c ph[ií] bao nhi[eê]u/) }),
    ]));
    const fine = await loa.admin().post('/api/admin/nlu/check').send({ intentId: 'parking', text: 'bãi gửi xe rộng không', language: 'vi' });
    expect(fine.body.warnings).toEqual([]);
  });

  it('"Try it" answers like the bot, date-aware, and writes nothing at all', async () => {
    const file = path.join(loa.config.DATA_DIR, 'loa.db');
    await loa.say('p0', 'xin chào'); // a real conversation exists before
    await loa.store.flush();
    const counts = () => {
      const db = new Database(file, { readonly: true });
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      const out = Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n]));
      db.close();
      return out;
    };
    const real = await loa.say('p9', 'mai bé ăn gì ạ');
    await loa.store.flush();
    const before = counts();
    expect(before.transcript).toBe(2);
    const tried = await loa.admin().post('/api/admin/try').send({ text: 'mai bé ăn gì ạ' });
    expect(tried.status).toBe(200);
    expect(tried.body).toMatchObject({ intent: 'menu', rejected: false, language: 'vi' });
    expect(tried.body.confidence).toBeGreaterThan(0.5);
    expect(tried.body.runnerUp).toHaveProperty('intent');
    expect(tried.body.replies.map((r: { text: string }) => r.text).join('\n')).toBe(real);
    // Forms, a call for a person and a safety-sounding message: answered, and still nothing written.
    for (const text of ['cho cháu nghỉ học ngày mai nhé', 'cho tôi gặp người thật', 'con tôi bị cô giáo đánh', 'thank you']) {
      const res = await loa.admin().post('/api/admin/try').send({ text });
      expect(res.status, text).toBe(200);
      expect(res.body.replies.length, text).toBeGreaterThan(0);
    }
    await loa.store.flush();
    // Every table, row for row: transcript, inbox, sessions, contacts, comments, alerts, outbox…
    expect(counts()).toEqual(before);
  });

  it('viewers and staff read the FAQ but never edit it', async () => {
    for (const role of ['viewer', 'staff', 'principal'] as const) {
      const u = withToken(loa, (await userWithToken(loa, { name: role, role })).token);
      expect((await u.get('/api/admin/intents')).status).toBe(200);
      expect((await u.get('/api/admin/intents/fees')).status).toBe(200);
      expect((await u.post('/api/admin/try').send({ text: 'học phí' })).status).toBe(200);
      expect((await u.post('/api/admin/intents').send(PARKING)).status).toBe(403);
      expect((await u.put('/api/admin/intents/thanks').send(PARKING)).status).toBe(403);
      expect((await u.patch('/api/admin/intents/thanks').send({ enabled: false })).status).toBe(403);
      expect((await u.delete('/api/admin/intents/thanks')).status).toBe(403);
    }
  });

  it('offers a console-made FAQ as a button with its own title in the parent\'s language (else its first question)', async () => {
    await loa.admin().post('/api/admin/intents').send({ ...PARKING, title: { vi: 'Gửi xe', en: 'Parking' } });
    await loa.admin().post('/api/admin/intents').send({ ...PARKING, id: 'camera', utterances: { vi: ['lớp có camera không', 'lop co camera ko', 'xem camera của lớp ở đâu'] }, answer: { vi: 'Có camera ạ.' } });
    const thanks = (await loa.admin().get('/api/admin/intents/thanks')).body.intent;
    expect(thanks.title).toEqual({ vi: 'Cảm ơn', en: 'Thanks' });
    const put = await loa.admin().put('/api/admin/intents/thanks').send({ utterances: thanks.utterances, quickReplies: ['parking', 'camera'], version: thanks.version });
    expect(put.body.intent.quickReplies).toEqual([{ title: 'Gửi xe', payload: 'intent:parking' }, { title: 'Lớp có camera không', payload: 'intent:camera' }]);
    await loa.nlu.whenTrained();
    expect((await loa.chat('p1', 'cảm ơn cô nhiều ạ')).body.replies[0].quickReplies).toEqual([{ title: 'Gửi xe', payload: 'intent:parking' }, { title: 'Lớp có camera không', payload: 'intent:camera' }]);
    const en = await loa.chat('p2', 'thank you so much for your help');
    expect(en.body.replies[0].quickReplies[0]).toEqual({ title: 'Parking', payload: 'intent:parking' });
    // The title travels in the CSV.
    expect((await loa.admin().get('/api/admin/intents/export?format=csv')).text).toContain('parking,title,en,Parking');
  });
});

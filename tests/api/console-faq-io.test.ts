// FAQ import and export: YAML, CSV (a spreadsheet), Botpress v12 Q&A JSON; checked whole first,
// bad rows listed with their line numbers, all or nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, type TestLoa } from '../helpers.ts';
import { userWithToken, withToken } from './console-helpers.ts';

const PARKING_CSV = [
  'intent,type,language,text',
  'parking,description,,Chỗ gửi xe',
  'parking,utterance,vi,gửi xe ở đâu',
  'parking,utterance,vi,gui xe o dau',
  'parking,utterance,vi,chỗ để xe máy của phụ huynh',
  'parking,utterance,vi,bãi gửi xe',
  'parking,utterance,vi,đỗ xe ở đâu ạ',
  'parking,utterance,vi,gửi xe máy ở đâu ạ',
  'parking,utterance,en,where can I park',
  'parking,answer,vi,"Bố mẹ gửi xe ở sân trước, gọi {{phone}} nếu cần.\nXe đạp để bên trái."',
  'parking,answer,en,Please park in the front yard.',
].join('\n');

describe('FAQ import and export', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  const importAs = (format: string, body: string, type: string, query = '') =>
    loa.admin().post(`/api/admin/intents/import?format=${format}${query}`).set('content-type', type).send(body);

  it('exports CSV that imports back unchanged (dry run: nothing created, every intent updated)', async () => {
    const csv = await loa.admin().get('/api/admin/intents/export?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toMatch(/^\uFEFFintent,type,language,text\r\n/);
    expect(csv.text).toContain('fees,utterance,vi,học phí bao nhiêu');
    const dry = await importAs('csv', csv.text, 'text/csv', '&dryRun=1');
    expect(dry.body).toMatchObject({ ok: true, errors: [], created: 0, updated: 20, dryRun: true });
    expect(loa.nlu.getIntent('fees')?.version).toBe(0); // a dry run saves nothing
  });

  it('lists every bad row with its line number and applies nothing', async () => {
    const bad = [
      PARKING_CSV,
      // PARKING_CSV takes 12 lines: its quoted Vietnamese answer spans two.
      'parking,utterance,fr,où garer',        // line 13
      'parking,question,vi,gửi xe',           // line 14
      'Bad Id,utterance,vi,x',                // line 15
      'thanks,answer,vi,',                    // line 16
      'fees,answer,vi,Học phí là 1 triệu',    // line 17: fees is answered from the school's data
    ].join('\n');
    const res = await importAs('csv', bad, 'text/csv');
    expect(res.status).toBe(400);
    expect(res.body.ok).toBe(false);
    expect(res.body.errors.map((e: { line: number }) => e.line)).toEqual([13, 14, 15, 16, 17]);
    expect(res.body.errors[0].message).toBe('Ngôn ngữ «fr» không hợp lệ: dùng vi hoặc en.');
    const en = await importAs('csv', bad, 'text/csv').set('accept-language', 'en');
    expect(en.body.errors[1].message).toBe('Unknown type “question”: use utterance, answer, title or description.');
    expect(loa.nlu.getIntent('parking')).toBeUndefined();
    expect((await loa.admin().get('/api/admin/audit')).body.entries).toHaveLength(0);
    // A new intent without a Vietnamese answer is refused on its first line.
    const noAnswer = await importAs('csv', 'intent,type,language,text\nnew_one,utterance,vi,câu hỏi mới', 'text/csv');
    expect(noAnswer.body.errors).toEqual([{ line: 2, message: 'Ý định «new_one», answer.vi: Bắt buộc nhập.' }]);
    expect((await importAs('csv', 'a;b\n1;2', 'text/csv')).body.errors[0]).toMatchObject({ line: 1 });
    expect((await importAs('csv', 'intent,type,language,text\nx,answer,vi,"never closed', 'text/csv')).body.errors[0]).toMatchObject({ line: 2 });
  });

  it('imports a spreadsheet CSV (quoted lines, ";" columns) and the new FAQ answers parents', async () => {
    const res = await importAs('csv', PARKING_CSV, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, created: 1, updated: 0 });
    await loa.nlu.whenTrained();
    const reply = await loa.chat('p1', 'gửi xe máy ở đâu vậy cô');
    expect(reply.body.intent).toBe('parking');
    const phone = (await loa.admin().get('/api/admin/school/profile')).body.data.phone;
    expect(reply.body.replies[0].text).toBe(`Bố mẹ gửi xe ở sân trước, gọi ${phone} nếu cần.\nXe đạp để bên trái.`);
    expect((await loa.admin().get('/api/admin/audit')).body.entries[0]).toMatchObject({ action: 'intent.import' });
    // Excel set to Vietnamese separates columns with ";".
    const semi = 'intent;type;language;text\nparking;answer;en;"Park; then walk in."';
    expect((await importAs('csv', semi, 'text/csv')).body).toMatchObject({ ok: true, updated: 1 });
    expect(loa.nlu.getIntent('parking')?.texts?.en).toBe('Park; then walk in.');
    expect(loa.nlu.getIntent('parking')?.utterances.vi).toHaveLength(6); // answer rows alone keep the utterances
    // A Vietnamese-only FAQ exports no English answer, and reads back unchanged.
    await loa.admin().post('/api/admin/intents').send({ id: 'vi_only', utterances: { vi: ['chỉ tiếng việt thôi'] }, answer: { vi: 'Chỉ tiếng Việt.' } });
    const csv = (await loa.admin().get('/api/admin/intents/export?format=csv')).text;
    expect(csv).toContain('vi_only,answer,vi,Chỉ tiếng Việt.');
    expect(csv).not.toContain('vi_only,answer,en');
    await importAs('csv', csv, 'text/csv');
    expect(loa.nlu.getIntent('vi_only')?.texts).toEqual({ vi: 'Chỉ tiếng Việt.' });
  });

  it('imports Botpress v12 Q&A JSON, with the line of a bad Q&A', async () => {
    const qna = (id: string, vi: string[], answer: string) => ({
      id, data: { action: 'text', contexts: ['global'], enabled: true, questions: { vi, en: [] }, answers: { vi: [answer], en: [] }, redirectFlow: '', redirectNode: '' },
    });
    const good = JSON.stringify({ qnas: [qna('__qna__k2x9_gio_an_trua', ['mấy giờ các con ăn trưa', 'may gio an trua', 'giờ ăn trưa của bé', 'bé ăn trưa lúc nào', 'ăn trưa mấy giờ ạ'], 'Các con ăn trưa lúc 10:45.')], contentElements: [] }, null, 2);
    const ok = await importAs('botpress', good, 'text/plain');
    expect(ok.body).toMatchObject({ ok: true, created: 1 });
    expect(loa.nlu.getIntent('k2x9_gio_an_trua')).toMatchObject({ texts: { vi: 'Các con ăn trưa lúc 10:45.' } });
    await loa.nlu.whenTrained();
    expect((await loa.chat('p1', 'mấy giờ bé ăn trưa vậy')).body.replies[0].text).toBe('Các con ăn trưa lúc 10:45.');

    const bad = JSON.stringify({ qnas: [qna('__qna__a1_ok', ['câu một'], 'Một'), qna('__qna__b2_no_vi', [], 'Hai')] }, null, 2);
    const refused = await importAs('botpress', bad, 'application/json');
    expect(refused.status).toBe(400);
    const line = bad.split('\n').findIndex((l) => l.includes('__qna__b2_no_vi')) + 1;
    expect(refused.body.errors[0].line).toBe(line);
    expect(refused.body.errors[0].message).toMatch(/b2_no_vi.*utterances\.vi/);
    expect(loa.nlu.getIntent('a1_ok')).toBeUndefined(); // all or nothing
    expect((await importAs('botpress', '{"qnas": [', 'text/plain')).body.errors[0]).toMatchObject({ line: 1 });

    const exported = await loa.admin().get('/api/admin/intents/export?format=botpress');
    const back = JSON.parse(exported.text);
    expect(back.qnas.find((q: { id: string }) => q.id === 'k2x9_gio_an_trua').data.answers.vi).toEqual(['Các con ăn trưa lúc 10:45.']);
    expect(back.qnas.some((q: { id: string }) => q.id === 'fees')).toBe(false); // answered from school data
  });

  it('exports and imports the YAML stream; a broken document is refused with its line', async () => {
    const yaml = await loa.admin().get('/api/admin/intents/export?format=yaml');
    expect(yaml.text).toMatch(/^id: absence/m);
    expect((await importAs('yaml', yaml.text, 'application/yaml', '&dryRun=1')).body).toMatchObject({ ok: true, updated: 20 });
    const broken = `${yaml.text}---\nid: parking\nutterances:\n  vi: [gửi xe\n`;
    const res = await importAs('yaml', broken, 'text/yaml');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].line).toBeGreaterThan(yaml.text.split('\n').length - 1);
    expect((await importAs('yaml', yaml.text, 'text/plain', '&format=x').query({ format: 'xls' })).status).toBe(400);
  });

  it('lets everyone export; only admins import', async () => {
    const viewer = withToken(loa, (await userWithToken(loa, { name: 'Xem', role: 'viewer' })).token);
    expect((await viewer.get('/api/admin/intents/export?format=csv')).status).toBe(200);
    expect((await viewer.post('/api/admin/intents/import?format=csv').set('content-type', 'text/csv').send(PARKING_CSV)).status).toBe(403);
    expect((await request(loa.app).get('/api/admin/intents/export')).status).toBe(401);
  });
});

// School data forms: versions and stale edits, errors next to each field in the person's
// language, the weekly menu from a spreadsheet.
import { afterEach, describe, expect, it } from 'vitest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { userWithToken, withToken } from './console-helpers.ts';

describe('school data in the console', () => {
  let loa: TestLoa;
  afterEach(async () => { await loa.close(); });

  it('saves a section with its version, refuses a stale edit, and the answers change at once', async () => {
    const config = testConfig();
    loa = await startLoa({ config });
    const fees = (await loa.admin().get('/api/admin/school/fees')).body;
    expect(fees).toMatchObject({ section: 'fees', version: 0 });
    const meals = (data: { items: { id: string; amount: number }[] }, amount: number) => ({ ...data, items: data.items.map((i) => (i.id === 'meals' ? { ...i, amount } : i)) });
    const saved = await loa.admin().put('/api/admin/school/fees').send({ data: meals(fees.data, 31000), version: 0 });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(1);
    expect(await loa.say('p1', 'tiền ăn 1 ngày bao nhiêu')).toContain('31.000đ/ngày');
    const stale = await loa.admin().put('/api/admin/school/fees').send({ data: meals(fees.data, 99000), version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'stale', message: expect.stringMatching(/Người khác vừa lưu/) });
    expect(await loa.say('p2', 'tiền ăn 1 ngày bao nhiêu')).toContain('31.000đ/ngày');
    expect((await loa.admin().get('/api/admin/audit')).body.entries.filter((e: { action: string }) => e.action === 'school.update')).toHaveLength(1);
    await loa.close();
    loa = await startLoa({ config });
    expect((await loa.admin().get('/api/admin/school/fees')).body.version).toBe(1);
  });

  it('says what is wrong next to each field, in Vietnamese or English, and saves nothing', async () => {
    loa = await startLoa();
    const fees = (await loa.admin().get('/api/admin/school/fees')).body;
    const bad = { ...fees.data, tuition: { ...fees.data.tuition, note: { vi: '', en: 'x' } }, items: fees.data.items.map((i: object, n: number) => (n === 0 ? { ...i, amount: -5, per: 'week' } : i)) };
    const vi = await loa.admin().put('/api/admin/school/fees').send({ data: bad, version: fees.version });
    expect(vi.status).toBe(400);
    expect(vi.body.error.code).toBe('invalid');
    expect(vi.body.error.fields).toEqual({
      'tuition.note.vi': 'Bắt buộc nhập.',
      'items.0.amount': 'Phải lớn hơn hoặc bằng 0.',
      'items.0.per': 'Chọn một trong: day, month, term, year.',
    });
    const en = await loa.admin().put('/api/admin/school/calendar').set('accept-language', 'en').send({ data: { schoolYear: { name: 'x', start: '5/9/2026', end: '2027-05-31' } }, version: 0 });
    expect(en.body.error.message).toBe('Some fields need fixing.');
    expect(en.body.error.fields['schoolYear.start']).toBe('A date like 2026-09-05.');
    expect(en.body.error.fields.terms).toBe('Required.');
    expect((await loa.admin().get('/api/admin/school/fees')).body.version).toBe(0);
    expect((await loa.admin().get('/api/admin/school/nope')).body.error).toMatchObject({ code: 'no_section', message: 'Không có mục dữ liệu «nope».' });
  });

  it('reads the weekly menu from a spreadsheet, with the line of every bad row; an edited day is what "thực đơn hôm nay" answers', async () => {
    loa = await startLoa(); // Thursday 26 November 2026
    const exported = await loa.admin().get('/api/admin/school/menus/export');
    expect(exported.text).toMatch(/^\uFEFFweek,day,date,lunch_vi,lunch_en,snack_vi,snack_en\r\n1,mon,,/);
    const back = await loa.admin().post('/api/admin/school/menus/import').set('content-type', 'text/csv').send(exported.text);
    expect(back.status).toBe(200);
    expect(back.body.data).toEqual((await loa.admin().get('/api/admin/school/menus')).body.data);

    const bad = [
      'week;day;lunch_vi;lunch_en;snack_vi;snack_en',
      '1;Thứ 2;Cơm, gà;Rice, chicken;;',
      '1;Chủ nhật;Cơm;Rice;;',
      '9;Thứ 3;Cơm;Rice;;',
      '1;Thứ 4;Cơm;;;',
      '1;Thứ 5;Cơm;Rice;Sữa;',
      '1;T2;Phở;Pho;;',
    ].join('\n');
    const refused = await loa.admin().post('/api/admin/school/menus/import').set('content-type', 'text/csv').send(bad);
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 5, 6, 7]);
    expect(refused.body.errors[0].message).toBe('Thứ «Chủ nhật» không hợp lệ: dùng Thứ 2 … Thứ 7 (hoặc mon … sat).');

    const grid = [
      'week,day,lunch_vi,lunch_en,snack_vi,snack_en',
      '1,Thứ 2,"Cơm, gà rang","Rice, roast chicken",Sữa chua,Yoghurt',
      '1,Thứ 5,"Cơm, cá kho","Rice, braised fish",Chuối,Banana',
      '2,Thứ 5,"Bún bò","Beef noodles",,',
    ].join('\n');
    const preview = await loa.admin().post('/api/admin/school/menus/import').set('content-type', 'text/csv').send(grid);
    expect(preview.body.data.weeks).toEqual([
      { mon: { lunch: { vi: 'Cơm, gà rang', en: 'Rice, roast chicken' }, snack: { vi: 'Sữa chua', en: 'Yoghurt' } }, thu: { lunch: { vi: 'Cơm, cá kho', en: 'Rice, braised fish' }, snack: { vi: 'Chuối', en: 'Banana' } } },
      { thu: { lunch: { vi: 'Bún bò', en: 'Beef noodles' } } },
    ]);
    expect(preview.body.data.overrides).toEqual((await loa.admin().get('/api/admin/school/menus')).body.data.overrides); // kept
    expect((await loa.admin().get('/api/admin/school/menus')).body.version).toBe(0); // a preview saves nothing

    // The grid's edit of today (a special day) saved with its version; the chat answers it.
    const menus = (await loa.admin().get('/api/admin/school/menus')).body;
    const today = { lunch: { vi: 'Cơm, tôm rim, canh cải', en: 'Rice, shrimp, greens soup' } };
    const put = await loa.admin().put('/api/admin/school/menus').send({ data: { ...menus.data, overrides: { ...menus.data.overrides, '2026-11-26': today } }, version: menus.version });
    expect(put.status).toBe(200);
    expect(await loa.say('p1', 'thực đơn hôm nay')).toContain('Cơm, tôm rim, canh cải');
    const applied = await loa.admin().post('/api/admin/school/menus/import?apply=1').set('content-type', 'text/csv').send('date,lunch_vi,lunch_en\n2026-11-26,Phở gà,Chicken pho');
    expect(applied.body.version).toBe(2);
    expect(await loa.say('p2', 'thực đơn hôm nay')).toContain('Phở gà');
  });

  it('lets the principal edit; staff and viewers only read', async () => {
    loa = await startLoa();
    const P = withToken(loa, (await userWithToken(loa, { name: 'Cô Hòa', role: 'principal' })).token);
    const profile = (await P.get('/api/admin/school/profile')).body;
    expect((await P.put('/api/admin/school/profile').send({ data: { ...profile.data, phone: '0229 3000 111' }, version: profile.version })).status).toBe(200);
    for (const role of ['staff', 'viewer'] as const) {
      const u = withToken(loa, (await userWithToken(loa, { name: role, role })).token);
      expect((await u.get('/api/admin/school/profile')).status).toBe(200);
      expect((await u.put('/api/admin/school/profile').send({ data: profile.data, version: 1 })).status).toBe(403);
      expect((await u.post('/api/admin/school/menus/import').set('content-type', 'text/csv').send('week,day,lunch_vi,lunch_en\n1,mon,a,b')).status).toBe(403);
    }
  });
});

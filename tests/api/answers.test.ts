// Answers from the school's data, on a known day: Thursday 26 November 2026, 09:00 in Hanoi.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoa, type TestLoa } from '../helpers.ts';

describe('answers from the school data', () => {
  let loa: TestLoa;
  beforeAll(async () => { loa = await startLoa(); });
  afterAll(async () => { await loa.close(); });
  let n = 0;
  const ask = (text: string) => loa.say(`parent-${n++}`, text);

  it('fees: tuition waiver, meal money, how to pay, a month estimate', async () => {
    const a = await ask('hoc phi thang 11 het bn tien a');
    expect(a).toContain('Học phí: miễn');
    expect(a).toContain('Tiền ăn (bữa trưa và bữa phụ chiều): 25.000đ/ngày');
    expect(a).toContain('STK 0000 1234 5678');
    expect(a).toContain('Ước tính một tháng đi học đủ 22 ngày: 680.000đ');
    expect(await ask('how much are the school fees?')).toContain('Meals (lunch and afternoon snack): 25,000 VND per day');
  });

  it('pickup hours', async () => {
    const a = await ask('mấy giờ đón con ạ');
    expect(a).toContain('Trả trẻ buổi chiều: 16:30–17:15');
    expect(a).toContain('Đón trẻ buổi sáng: 06:45–08:00');
  });

  it('menu: today, tomorrow, a weekday, the weekend, a week', async () => {
    expect(await ask('hôm nay các con ăn gì')).toBe('Thực đơn Thứ Năm, 26/11/2026:\n• Bữa trưa: Cơm, cá thu sốt cà, canh rau dền nấu thịt\n• Bữa phụ chiều: Chè đỗ xanh');
    expect(await ask("What's on the menu tomorrow?")).toContain('Menu for Friday, 27 November 2026');
    expect(await ask('thu 2 tuan sau an gi')).toContain('Thứ Hai, 30/11/2026:\n• Bữa trưa: Cơm, thịt lợn kho trứng cút');
    expect(await ask('thực đơn chủ nhật')).toBe('Chủ nhật, 29/11/2026 các con không đi học (cuối tuần), nên không có thực đơn ạ.');
    const week = await ask('thực đơn tuần sau');
    expect(week.split('\n')).toHaveLength(6); // header + five school days
    expect(await ask('thực đơn 24/12')).toContain('Cơm chiên thập cẩm'); // an override wins over the rotation
    // "this month" late in the month: the coming days, not the month's first week.
    expect(await ask('thực đơn tháng này')).toMatch(/^Thực đơn 26\/11 – 30\/11:\n• Thứ Năm, 26\/11: .*\n• Thứ Sáu, 27\/11: .*\n• Thứ Hai, 30\/11: /);
  });

  it('menu: an honest answer when the day has no data', async () => {
    const a = await ask('thực đơn ngày 10/9/2027');
    expect(a).toContain('chưa công bố');
    expect(a).toContain('0229 3000 000');
  });

  it('calendar: a school day, a holiday, a weekend, and the next holidays', async () => {
    expect(await ask('mai có đi học không')).toBe('Thứ Sáu, 27/11/2026 các con đi học bình thường ạ.');
    expect(await ask('1/1 có nghỉ không cô')).toContain('trường nghỉ: Tết Dương lịch');
    expect(await ask('ngày 3/2/2027 có học không')).toContain('Tết Nguyên đán');
    expect(await ask('thứ 7 có học không ạ')).toMatch(/^Thứ Bảy, 28\/11\/2026 là cuối tuần/);
    const next = await ask('lịch nghỉ của trường');
    expect(next).toContain('Tết Dương lịch');
    expect(next).toContain('Đang là Học kỳ I');
    expect(await ask('31/2 có học không')).toContain('«31/2» không có trong lịch');
  });

  it('events: what is coming, and a month', async () => {
    const a = await ask('sắp tới trường có sự kiện gì');
    expect(a.split('\n')[1]).toContain('09/12/2026: Khám sức khỏe định kỳ');
    expect(a).not.toContain('Trung thu'); // past events are not "coming"
    expect(await ask('lịch hoạt động tháng 12')).toContain('Vui Giáng sinh');
  });

  it('contact: the directory, or the teachers of a named class', async () => {
    const a = await ask('số điện thoại của trường');
    expect(a).toContain('Điện thoại: 0229 3000 000');
    expect(a).toContain('Hiệu trưởng: cô Nguyễn Thị Minh Hòa');
    expect(await ask('cho xin số cô chủ nhiệm lớp Lá A1')).toContain('Nguyễn Thị Thu, Tạ Thị Nhung');
  });

  it('enrolment, health, uniform, routine and support answer from the guides', async () => {
    expect(await ask('trường nhận trẻ từ mấy tuổi')).toContain('từ 24 tháng đến 6 tuổi');
    expect(await ask('con bị sốt có được đi học không')).toContain('37,5°C');
    expect(await ask('đồng phục mua ở đâu')).toContain('150.000đ/bộ hè');
    expect(await ask('mấy giờ các con ngủ trưa')).toContain('11:45–14:15 ngủ trưa');
    expect(await ask('hộ nghèo có được miễn tiền ăn không')).toContain('160.000đ/tháng');
  });

  it('talk to a person: the parent is told how, and the school gets an alert', async () => {
    expect(await ask('cho tôi nói chuyện với người thật, sđt của tôi 0912345678')).toMatch(/chuyển lời nhắn tới nhà trường/);
    const [alert] = await loa.store.alerts.list();
    expect(alert.kind).toBe('human_agent');
    expect(alert.message).toContain('091****678');
    expect(alert.message).not.toContain('0912345678');
  });

  it('out of scope: a polite fallback with the help menu, counted as unanswered', async () => {
    const res = await loa.chat('weather', 'thời tiết hôm nay thế nào');
    expect(res.body.replies[0].text).toMatch(/^Dạ, em chưa hiểu câu hỏi này/);
    expect(res.body.replies[0].quickReplies.map((q: { payload: string }) => q.payload)).toEqual(['intent:help', 'intent:contact']);
  });

  it('a changed fee changes every answer at once', async () => {
    const fees = (await loa.admin().get('/api/admin/school/fees')).body.data;
    const res = await loa.admin().put('/api/admin/school/fees').send({ ...fees, items: fees.items.map((i: { id: string }) => (i.id === 'meals' ? { ...i, amount: 30000 } : i)) });
    expect(res.status).toBe(200);
    expect(await ask('tiền ăn 1 ngày bao nhiêu')).toContain('30.000đ/ngày');
    expect(await ask('how much is lunch per day')).toContain('30,000 VND per day');
  });

  it('refuses invalid school data with the reason and keeps the old data', async () => {
    const res = await loa.admin().put('/api/admin/school/calendar').send({ schoolYear: { name: 'x', start: '5/9/2026', end: '2027-05-31' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid');
    expect(res.body.error.fields['schoolYear.start']).toBe('Ngày dạng 2026-09-05.');
    expect(await ask('mai có đi học không')).toContain('đi học bình thường');
    expect((await loa.admin().get('/api/admin/school/nope')).status).toBe(404);
  });
});

describe('a school replacing its files in school/', () => {
  it('gets the new files on the next start, unless the section was edited through the admin API', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { tempDir, testConfig } = await import('../helpers.ts');
    const schoolDir = tempDir('school-');
    fs.cpSync('school', schoolDir, { recursive: true });
    const config = testConfig({ SCHOOL_DIR: schoolDir });
    const first = await startLoa({ config });
    expect(await first.say('p', 'số điện thoại của trường')).toContain('0229 3000 000');
    await first.close();

    const profile = path.join(schoolDir, 'profile.yaml');
    fs.writeFileSync(profile, fs.readFileSync(profile, 'utf8').replace('"0229 3000 000"', '"0229 3111 222"'));
    const second = await startLoa({ config });
    expect(await second.say('p2', 'số điện thoại của trường')).toContain('0229 3111 222');
    const fees = (await second.admin().get('/api/admin/school/fees')).body.data;
    await second.admin().put('/api/admin/school/fees').send({ ...fees, schoolYear: '2026-2027 (sửa qua API)' });
    await second.close();

    const feesFile = path.join(schoolDir, 'fees.yaml');
    fs.writeFileSync(feesFile, fs.readFileSync(feesFile, 'utf8').replace('amount: 25000', 'amount: 99000'));
    const third = await startLoa({ config });
    const answer = await third.say('p3', 'học phí bao nhiêu');
    expect(answer).toContain('2026-2027 (sửa qua API)'); // the admin's edit wins over the changed file
    expect(answer).not.toContain('99.000đ');
    await third.close();
  });
});

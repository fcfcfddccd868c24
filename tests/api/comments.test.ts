// Comments and absences end to end: the conversations, urgent alerts reaching the principal on
// Messenger (a fake Graph server), case handling with history and audit, replies back through
// Messenger and Zalo OA fakes inside their windows, anonymity per role, reports, single-run jobs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { CHAT_API_KEY, startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform, eventually } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';
import * as zl from '../fakes/zalo-oa-fixtures.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { userWithToken } from './console-helpers.ts';
import type { Role } from '../../src/store/types.ts';

const SEND = fb.SEND;
const CS = '/v3.0/oa/message/cs';

describe('comments, absences and staff on chat', () => {
  let graph: FakePlatform;
  let zalo: FakePlatform;
  let loa: TestLoa;

  beforeEach(async () => {
    graph = await fb.acceptingGraph();
    zalo = await new FakePlatform().on(CS, () => ({ body: { error: 0, message: 'Success', data: { message_id: 'z' } } })).start();
    loa = await startLoa({
      config: testConfig({
        ...fb.messengerEnv(graph.url),
        ZALO_APP_ID: zl.APP_ID, ZALO_APP_SECRET: zl.APP_SECRET, ZALO_OA_SECRET_KEY: zl.OA_SECRET_KEY, ZALO_OA_ACCESS_TOKEN: 'a', ZALO_OA_REFRESH_TOKEN: 'r',
        ZALO_OA_API_URL: zalo.url, ZALO_OAUTH_URL: zalo.url,
      }),
    });
  });
  afterEach(async () => {
    await loa.close();
    await graph.stop();
    await zalo.stop();
  });

  let mid = 0;
  const messenger = async (psid: string, text: string, at?: string) => {
    const res = await fb.postWebhook(loa.app, fb.textMessage(psid, `mid-${++mid}`, text, at));
    expect(res.status).toBe(200);
    await loa.pipeline.drain();
  };
  const zaloSays = async (user: string, text: string) => {
    expect((await zl.postWebhook(loa.app, zl.userText(`zm-${++mid}`, text, user))).status).toBe(200);
    await loa.pipeline.drain();
  };
  const toPsid = (psid: string) => graph.to(SEND).filter((r) => r.body.recipient.id === psid).map((r) => r.body.message.text as string);
  const user = (name: string, role: string, classIds: string[] = []) => userWithToken(loa, { name, role: role as Role, classIds });
  const as = (token: string) => ({
    get: (url: string) => request(loa.app).get(url).set('authorization', `Bearer ${token}`),
    post: (url: string) => request(loa.app).post(url).set('authorization', `Bearer ${token}`),
    put: (url: string) => request(loa.app).put(url).set('authorization', `Bearer ${token}`),
  });
  /** A staff user who linked their Messenger account by sending the one-time code. */
  const linkedOnMessenger = async (name: string, role: string, psid: string, classIds: string[] = []) => {
    const u = await user(name, role, classIds);
    const code = (await as(u.token).post('/api/admin/staff/link-code').send({})).body.code as string;
    await messenger(psid, code);
    expect(toPsid(psid).at(-1)).toContain(`Đã liên kết tài khoản này với ${name}`);
    return u;
  };
  const comment = async (who: string, ...steps: string[]) => {
    for (const s of steps) await loa.chat(who, s);
  };

  it('takes a comment in a short conversation and gives a ticket code', async () => {
    const r1 = await loa.chat('mẹ Bông', 'tôi muốn góp ý');
    expect(r1.body.replies[0].text).toMatch(/kể giúp em sự việc/);
    const r2 = await loa.chat('mẹ Bông', 'Cơm hôm nay bị khê các con không ăn được');
    expect(r2.body.replies[0].quickReplies[0]).toEqual({ title: 'Bữa ăn', payload: 'feedback:cat:meals' }); // its own guess first
    await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'mẹ Bông', payload: 'feedback:cat:meals' });
    await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'mẹ Bông', payload: 'feedback:anon:yes' });
    const review = await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'mẹ Bông', payload: 'feedback:class:la-a1' });
    expect(review.body.replies[0].text).toMatch(/«Cơm hôm nay bị khê các con không ăn được».*Bữa ăn · Ẩn danh · Lớp: Lá A1/s); // reviewed before it is sent
    expect(await loa.store.comments.list()).toHaveLength(0);
    const done = await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'mẹ Bông', payload: 'feedback:confirm:yes' });
    expect(done.body.replies[0].text).toMatch(/mã số PA-0001.*2 ngày làm việc/);
    const [c] = await loa.store.comments.list();
    expect(c).toMatchObject({ code: 'PA-0001', category: 'meals', sentiment: 'negative', severity: 'normal', anonymous: true, classId: 'la-a1', status: 'new' });
    expect(c.dueAt).toBe('2026-11-30T02:00:00.000Z'); // Thursday 09:00 + 2 working days
    expect(await loa.say('mẹ Bông', 'phản ánh PA-0001 thế nào rồi')).toBe('Phản ánh PA-0001 (26/11): đã nhận, đang chờ xử lý.');
    expect(await loa.say('người khác', 'phan anh PA-0001 the nao roi')).toMatch(/không tìm thấy phản ánh mã PA-0001/);
    expect(await loa.say('mẹ Bông', 'PA-9999')).toMatch(/không tìm thấy/);
  });

  it('keeps the parent\'s language through short answers such as a class name', async () => {
    await loa.chat('en', 'I want to make a complaint');
    await loa.chat('en', 'The bathroom in class Choi B1 is very dirty');
    await loa.chat('en', 'Hygiene');
    await loa.chat('en', 'no');
    expect(await loa.say('en', 'Chồi B1')).toMatch(/^Here is what I will send/);
    expect(await loa.say('en', 'yes')).toMatch(/^Thank you, your comment is recorded as PA-0001/);
  });

  it('takes the comment from the first message when it already says it', async () => {
    const r = await loa.chat('p', 'Tôi muốn phản ánh nhà vệ sinh lớp Chồi B1 bẩn quá');
    expect(r.body.replies[0].text).toMatch(/góp ý về «Vệ sinh»/);
  });

  it('cancels with "hủy" at any step and expires after 30 idle minutes', async () => {
    await comment('p', 'tôi muốn góp ý', 'đồ chơi ngoài sân bị hỏng nhiều');
    expect(await loa.say('p', 'hủy')).toBe('Dạ, em đã hủy. Bố mẹ cần gì khác cứ nhắn em ạ.');
    expect(await loa.store.comments.list()).toEqual([]);
    await comment('p', 'tôi muốn góp ý');
    loa.clockAt('2026-11-26T02:31:00Z');
    const late = await loa.say('p', 'xin chào');
    expect(late).toMatch(/^Dạ, phần trao đổi trước đã quá lâu nên em đã hủy/);
    expect(late).toMatch(/Xin chào bố mẹ/); // and the new message is answered
  });

  it('asks again for thin input and keeps to the rules for bad input', async () => {
    await comment('p', 'tôi muốn góp ý');
    expect(await loa.say('p', '😀😀')).toMatch(/viết rõ hơn/);
    const long = 'Con tôi về kể lớp học nóng quá và quạt bị hỏng. '.repeat(120);
    await loa.chat('p', long.slice(0, 2000));
    await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'p', payload: 'feedback:cat:facilities' });
    await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'p', payload: 'feedback:anon:no' });
    const unknown = await loa.say('p', 'lớp Hoa Hồng');
    expect(unknown).toMatch(/không có lớp «lớp Hoa Hồng»/);
    await loa.say('p', 'không theo lớp');
    await loa.say('p', 'gửi');
    const [c] = await loa.store.comments.list();
    expect(c.text.length).toBe(long.slice(0, 2000).trim().length);
    expect(c.classId).toBeNull();
  });

  it('alerts the principal on their own chat at once for an urgent comment, and marks it', async () => {
    await linkedOnMessenger('Cô Hòa', 'principal', 'psid-principal');
    const r = await loa.say('mẹ An', 'Cô giáo lớp Lá A1 tát con tôi, con về khóc mãi');
    expect(r).toMatch(/phản ánh KHẨN.*PA-0001.*trong vòng 1 giờ/s);
    await eventually(() => toPsid('psid-principal').some((t) => t.includes('PHẢN ÁNH KHẨN PA-0001')));
    const listed = await loa.admin().get('/api/admin/comments?severity=urgent');
    expect(listed.body.comments[0]).toMatchObject({ code: 'PA-0001', severity: 'urgent', category: 'teacher_conduct' });
    expect((await loa.store.alerts.list())[0].kind).toBe('urgent_comment');
    expect(Date.parse(listed.body.comments[0].dueAt) - Date.parse('2026-11-26T02:00:00Z')).toBe(3_600_000);
    // The alert links the comment's page in the console, and is settled once the parent has an answer.
    const [alert] = await loa.store.alerts.list({ open: true });
    expect(alert.message).toMatch(/Xem: \/admin\/comments\/1$/);
    expect((await loa.admin().post('/api/admin/comments/1/reply').send({ text: 'Cô hiệu trưởng đang gọi cho chị.' })).status).toBe(200);
    expect(await loa.store.alerts.list({ open: true })).toEqual([]);
    expect((await loa.store.alerts.list())[0].kind).toBe('urgent_comment');
  });

  it('runs the status lifecycle with a history and the audit log', async () => {
    await comment('p', 'tôi muốn góp ý', 'sân trường có nhiều muỗi quá', 'Vệ sinh', 'không', 'không theo lớp', 'gửi');
    const principal = await user('Cô Hòa', 'principal');
    const teacher = await user('Cô Thu', 'staff');
    const P = as(principal.token);
    expect((await P.post('/api/admin/comments/1/assign').send({ userId: teacher.id })).body.comment.assignedTo).toBe(teacher.id);
    expect((await P.post('/api/admin/comments/1/status').send({ status: 'in_progress', note: 'đã phun thuốc muỗi' })).body.comment.status).toBe('in_progress');
    expect((await P.post('/api/admin/comments/1/status').send({ status: 'new' })).status).toBe(409);
    expect((await P.post('/api/admin/comments/1/notes').send({ text: 'kiểm tra lại thứ 2' })).status).toBe(201);
    expect((await request(loa.app).put('/api/admin/comments/1/category').set('authorization', `Bearer ${principal.token}`).send({ category: 'facilities' })).body.comment.category).toBe('facilities');
    await P.post('/api/admin/comments/1/status').send({ status: 'resolved' });
    const one = await P.get('/api/admin/comments/1');
    expect(one.body.history.map((e: { kind: string }) => e.kind)).toEqual(['created', 'assign', 'status', 'note', 'category', 'status']);
    // Statuses and notes are not an answer to the parent: the first answer is the first reply they get.
    expect(one.body.comment.firstResponseAt).toBeNull();
    const audit = (await loa.admin().get('/api/admin/audit?target=comment:PA-0001')).body.entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(['comment.status', 'comment.category', 'comment.status', 'comment.assign']);
    expect((await P.post('/api/admin/comments/1/status').send({ status: 'bogus' })).status).toBe(400);
    expect((await P.get('/api/admin/comments/999')).status).toBe(404);
    // Filters: the school's days (Hanoi), a category, text search.
    expect((await P.get('/api/admin/comments?from=2026-11-26&to=2026-11-26')).body.comments).toHaveLength(1);
    expect((await P.get('/api/admin/comments?from=2026-11-27')).body.comments).toHaveLength(0);
    expect((await P.get('/api/admin/comments?category=facilities&q=muỗi')).body.comments).toHaveLength(1);
    expect((await P.get('/api/admin/comments?status=closed')).body.comments).toHaveLength(0);
    expect((await P.get('/api/admin/comments?from=2026-02-30')).status).toBe(400);
  });

  it('lets the principal give a comment without a class its class, so that its teacher sees it', async () => {
    await comment('p', 'tôi muốn góp ý', 'sân trường có nhiều muỗi quá', 'Vệ sinh', 'không', 'không theo lớp', 'gửi');
    const principal = await user('Cô Hòa', 'principal');
    const teacher = await user('Cô Thu', 'staff', ['la-a1']);
    const P = as(principal.token);
    expect((await as(teacher.token).get('/api/admin/comments/1')).status).toBe(404); // not her class's (yet)
    expect((await as(teacher.token).put('/api/admin/comments/1/class').send({ classId: 'la-a1' })).status).toBe(403);
    expect((await P.put('/api/admin/comments/1/class').send({ classId: 'lop-khong-co' })).status).toBe(400);
    expect((await P.put('/api/admin/comments/1/class').send({ classId: 'la-a1' })).body.comment.classId).toBe('la-a1');
    expect((await as(teacher.token).get('/api/admin/comments/1')).status).toBe(200);
    expect((await P.post('/api/admin/comments/1/assign').send({ userId: teacher.id })).status).toBe(200);
    const history = (await P.get('/api/admin/comments/1')).body.history.map((e: { kind: string }) => e.kind);
    expect(history).toEqual(['created', 'class', 'assign']);
  });

  it('replies to the parent on Messenger and on Zalo OA inside their windows, pending outside', async () => {
    await messenger('psid-parent', 'tôi muốn góp ý');
    await messenger('psid-parent', 'Cơm hôm nay bị khê các con không ăn được');
    await messenger('psid-parent', 'Bữa ăn');
    await messenger('psid-parent', 'không');
    await messenger('psid-parent', 'không theo lớp');
    await messenger('psid-parent', 'gửi');
    await zaloSays(zl.USER, 'tôi muốn góp ý');
    await zaloSays(zl.USER, 'Nhà trường không thông báo lịch họp phụ huynh cho chúng tôi');
    await zaloSays(zl.USER, 'Thông tin');
    await zaloSays(zl.USER, 'có');
    await zaloSays(zl.USER, 'không theo lớp');
    await zaloSays(zl.USER, 'vâng');
    const [zaloComment, fbComment] = await loa.store.comments.list();
    expect(fbComment.ref?.channel).toBe('messenger');
    expect(zaloComment.ref?.channel).toBe('zalo_oa');

    const r1 = await loa.admin().post(`/api/admin/comments/${fbComment.id}/reply`).send({ text: 'Nhà trường đã nhắc bếp, xin lỗi bố mẹ.' });
    expect(r1.body.delivery).toBe('queued');
    await eventually(() => toPsid('psid-parent').some((t) => t.includes('Nhà trường đã nhắc bếp')));
    const r2 = await loa.admin().post(`/api/admin/comments/${zaloComment.id}/reply`).send({ text: 'Lịch họp là 12/1.' });
    expect(r2.body.delivery).toBe('queued');
    await eventually(() => zalo.to(CS).some((r) => r.body.message.text.includes('Lịch họp là 12/1')));
    expect((await loa.store.comments.get(fbComment.id))?.status).toBe('acknowledged');
    expect(await loa.say('web', 'x')).toBeTruthy();

    // Two days later the Messenger window (24 h) is closed; Zalo's (7 days) is not.
    loa.clockAt('2026-11-28T03:00:00Z');
    const r3 = await loa.admin().post(`/api/admin/comments/${fbComment.id}/reply`).send({ text: 'Bổ sung' });
    expect(r3.body.delivery).toBe('pending_outside_window');
    const history = (await loa.admin().get(`/api/admin/comments/${fbComment.id}`)).body.history;
    expect(history.at(-1)).toMatchObject({ kind: 'reply', details: { delivery: 'pending_outside_window' } });
    expect((await loa.admin().post(`/api/admin/comments/${zaloComment.id}/reply`).send({ text: 'Bổ sung' })).body.delivery).toBe('queued');

    // When the parent writes again, their window is open: the pending reply goes out with the answer.
    await messenger('psid-parent', `phản ánh ${fbComment.code} thế nào rồi`, '2026-11-28T02:59:00Z');
    await eventually(() => toPsid('psid-parent').length >= 2 && toPsid('psid-parent').slice(-2).some((t) => t === `Phản hồi của nhà trường về ${fbComment.code}: Bổ sung`));
    expect(toPsid('psid-parent').at(-1)).toMatch(new RegExp(`^Phản ánh ${fbComment.code} .*Phản hồi gần nhất`));
    await messenger('psid-parent', 'cảm ơn', '2026-11-28T03:00:00Z');
    expect(toPsid('psid-parent').filter((t) => t.endsWith('Bổ sung'))).toHaveLength(1); // once

    await loa.admin().post(`/api/admin/comments/${fbComment.id}/status`).send({ status: 'closed' });
    expect((await loa.admin().post(`/api/admin/comments/${fbComment.id}/reply`).send({ text: 'x' })).status).toBe(409);
  });

  it('counts a reply kept pending as the first answer only when the parent gets it', async () => {
    for (const s of ['tôi muốn góp ý', 'Sân trường nhiều muỗi quá', 'Vệ sinh', 'không', 'không theo lớp', 'gửi']) await messenger('psid-late', s);
    const [c] = await loa.store.comments.list();
    loa.clockAt('2026-11-28T03:00:00Z'); // the Messenger window has closed
    expect((await loa.admin().post(`/api/admin/comments/${c.id}/reply`).send({ text: 'Đã phun thuốc muỗi ạ.' })).body.delivery).toBe('pending_outside_window');
    expect((await loa.admin().get(`/api/admin/comments/${c.id}`)).body.comment.firstResponseAt).toBeNull();
    loa.clockAt('2026-11-29T01:00:00Z');
    await messenger('psid-late', 'cảm ơn', '2026-11-29T01:00:00Z');
    await eventually(() => toPsid('psid-late').some((t) => t.endsWith('Đã phun thuốc muỗi ạ.')));
    expect((await loa.admin().get(`/api/admin/comments/${c.id}`)).body.comment.firstResponseAt).toBe('2026-11-29T01:00:00.000Z');
  });

  it('hides anonymous parents from staff and limits staff to their classes', async () => {
    await messenger('psid-anon', 'tôi muốn góp ý');
    await messenger('psid-anon', 'Cô giáo lớp Lá A1 nói chuyện với phụ huynh thiếu lịch sự');
    await messenger('psid-anon', 'Thái độ giáo viên');
    await messenger('psid-anon', 'có');
    await messenger('psid-anon', 'Lá A1');
    await messenger('psid-anon', 'ok');
    const la = await user('Cô Thu', 'staff', ['la-a1']);
    const choi = await user('Cô Hà', 'staff', ['choi-b1']);
    const principal = await user('Cô Hòa', 'principal');
    const seenByStaff = (await as(la.token).get('/api/admin/comments/1')).body.comment;
    expect(seenByStaff.displayName).toBe('Ẩn danh (anonymous)');
    expect(seenByStaff.ref).toBeNull();
    expect(seenByStaff.contactId).toBeNull();
    const seenByPrincipal = (await as(principal.token).get('/api/admin/comments/1')).body.comment;
    expect(seenByPrincipal.ref).toMatchObject({ userId: 'psid-anon' });
    expect((await as(choi.token).get('/api/admin/comments/1')).status).toBe(404);
    expect((await as(choi.token).get('/api/admin/comments')).body.comments).toEqual([]);
    expect((await as(choi.token).get('/api/admin/comments?class=nope')).status).toBe(400);
  });

  it('takes an absence, tells the class\'s teacher on chat, and lists it for the day', async () => {
    await linkedOnMessenger('Cô Thu', 'staff', 'psid-teacher', ['la-a1']);
    const first = await loa.say('bố Na', 'cô ơi cho bé Na lớp Lá A1 nghỉ hôm nay nhé, cháu bị sốt');
    expect(first).toMatch(/bé Na, lớp Lá A1, nghỉ Thứ Năm, 26\/11\/2026 \(lý do: .*sốt\)/);
    expect(await loa.say('bố Na', 'đúng')).toMatch(/Em đã báo cô giáo lớp Lá A1/);
    await eventually(() => toPsid('psid-teacher').some((t) => t.startsWith('📋 Báo nghỉ: bé Na (lớp Lá A1)')));
    const list = await loa.admin().get('/api/admin/absences?date=2026-11-26&class=la-a1');
    expect(list.body.absences).toMatchObject([{ childName: 'Na', classId: 'la-a1', fromDate: '2026-11-26', toDate: '2026-11-26' }]);
    expect((await loa.admin().get('/api/admin/absences?date=2026-11-27')).body.absences).toEqual([]);
    expect((await loa.admin().get('/api/admin/absences?class=lop-ma')).status).toBe(400);
    expect((await loa.admin().get('/api/admin/absences?date=2026-02-31')).status).toBe(400);
    // The linked teacher can ask on chat.
    await messenger('psid-teacher', 'vắng hôm nay');
    expect(toPsid('psid-teacher').at(-1)).toMatch(/Vắng hôm nay \(1\):\n• Na \(Lá A1\)/);
  });

  it('asks step by step for an absence and understands "thứ 2 đến thứ 4"', async () => {
    expect(await loa.say('p', 'con xin nghỉ học ạ')).toMatch(/tên của bé/);
    expect(await loa.say('p', 'Minh Anh')).toMatch(/Bé Minh Anh học lớp nào/);
    expect(await loa.say('p', 'chồi b')).toMatch(/không có lớp «chồi b»/); // two Chồi B classes: pick one
    expect(await loa.say('p', 'Chồi B2')).toMatch(/nghỉ ngày nào/);
    expect(await loa.say('p', 'hôm qua')).toMatch(/đã qua/);
    expect(await loa.say('p', 'thứ 2 đến thứ 4')).toMatch(/nghỉ vì lý do gì/);
    expect(await loa.say('p', 'cháu bị ho')).toMatch(/nghỉ 30\/11 – 02\/12 \(lý do: bị ho\)/);
    await loa.say('p', 'đúng');
    expect((await loa.store.absences.list({ from: '2026-12-01', to: '2026-12-01' }))[0]).toMatchObject({ childName: 'Minh Anh', classId: 'choi-b2', fromDate: '2026-11-30', toDate: '2026-12-02' });
  });

  it('reminds about overdue comments, once a day', async () => {
    await linkedOnMessenger('Cô Hòa', 'principal', 'psid-principal');
    await comment('p', 'tôi muốn góp ý', 'sân trường có nhiều muỗi quá', 'Vệ sinh', 'không', 'không theo lớp', 'gửi');
    const reminder = loa.jobs.find((j) => j.name === 'comments-overdue-reminder')!;
    await reminder.run();
    expect(toPsid('psid-principal').filter((t) => t.startsWith('Nhắc'))).toHaveLength(0);
    loa.clockAt('2026-11-30T03:00:00Z'); // past Monday 09:00
    await messenger('psid-principal', 'xin chào', '2026-11-30T02:59:00Z'); // keeps the Messenger window open
    await reminder.run();
    await reminder.run();
    await eventually(() => toPsid('psid-principal').filter((t) => t.startsWith('Nhắc: phản ánh PA-0001')).length === 1);
    expect((await loa.admin().get('/api/admin/comments/1')).body.comment.overdue).toBe(true);
  });

  it('reports the week and the month, as JSON, CSV, and a commune version without personal data', async () => {
    await comment('a', 'tôi muốn góp ý', 'Cơm hôm nay bị khê các con không ăn được', 'Bữa ăn', 'không', 'Lá A1', 'có');
    await comment('b', 'Cô giáo lớp Lá A1 tát con tôi');
    await loa.say('c', 'cho bé Na lớp Lá A1 nghỉ hôm nay');
    await loa.say('c', 'việc gia đình');
    await loa.say('c', 'đúng');
    await loa.say('d', 'giá vàng hôm nay bao nhiêu');
    // Acknowledged without a word to the parent: not answered. Comment 1 gets a reply the parent can read.
    await loa.admin().post('/api/admin/comments/2/status').send({ status: 'acknowledged' });
    await loa.admin().post('/api/admin/comments/1/reply').send({ text: 'Nhà trường đã nhắc bếp ạ.' });
    loa.clockAt('2026-12-01T01:00:00Z');
    const week = (await loa.admin().get('/api/admin/reports/week?date=2026-11-26')).body.report;
    expect(week.period).toEqual({ kind: 'week', from: '2026-11-23', to: '2026-11-29' });
    expect(week.comments).toMatchObject({ total: 2, urgent: 1, answered: 1, medianHoursToFirstAnswer: 0, byCategory: { meals: 1, teacher_conduct: 1 }, byStatus: { acknowledged: 2 }, overdue: 1 });
    expect(week.absences).toMatchObject({ total: 1, byClass: { 'Lá A1': 1 } });
    expect(week.questions.unanswered).toEqual([{ text: 'giá vàng hôm nay bao nhiêu', count: 1 }]);
    // Questions are what parents asked: the comment's and the absence's steps, buttons and confirmations are not.
    expect(week.questions.total).toBe(3); // «tôi muốn góp ý», the absence, «giá vàng…»
    expect(week.questions.topIntents).toEqual([{ intent: 'absence', count: 1 }, { intent: 'feedback', count: 1 }, { intent: 'none', count: 1 }]);
    const month = (await loa.admin().get('/api/admin/reports/month')).body.report; // the previous month: November
    expect(month.period).toEqual({ kind: 'month', from: '2026-11-01', to: '2026-11-30' });
    expect(month.comments.total).toBe(2);
    const csv = await loa.admin().get('/api/admin/reports/week?date=2026-11-26&format=csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.startsWith('\uFEFFTóm tắt,2026-11-23 – 2026-11-29\r\n')).toBe(true); // read by Excel as UTF-8, in Vietnamese
    expect(csv.text).toContain('\r\nmeals,Bữa ăn,1\r\n');
    const commune = await loa.admin().get('/api/admin/reports/week?date=2026-11-26&audience=commune');
    expect(commune.body.report.questions.unanswered).toBeUndefined();
    expect(JSON.stringify(commune.body)).not.toMatch(/giá vàng|tát|PA-000/);
    expect((await loa.admin().get('/api/admin/reports/year')).status).toBe(404);
  });

  it('warns of a negative trend: a spike of complaints in one category', async () => {
    // Eight quiet weeks, then a burst about meals.
    for (let week = 8; week >= 1; week--) {
      loa.clockAt(new Date(Date.parse('2026-11-26T02:00:00Z') - week * 7 * 86_400_000));
      await loa.features.comments.submit({ text: 'cơm bị khê', anonymous: false, classId: null, contactId: null, ref: null, displayName: null });
    }
    loa.clockAt('2026-11-26T02:00:00Z');
    for (let i = 0; i < 6; i++) {
      await loa.features.comments.submit({ text: `cơm bị nguội và khê lần ${i}`, anonymous: false, classId: null, contactId: null, ref: null, displayName: null });
    }
    await loa.jobs.find((j) => j.name === 'negative-trend-watch')!.run();
    const [alert] = await loa.store.alerts.list();
    expect(alert.kind).toBe('negative_trend');
    expect(alert.message).toMatch(/^Nguy cơ khủng hoảng truyền thông: 6 phản ánh tiêu cực về «meals»/);
  });
});

describe('jobs with two processes sharing one store', () => {
  it('run once per tick, and again at the next tick', async () => {
    const { tempDir } = await import('../helpers.ts');
    const file = path.join(tempDir(), 'loa.db');
    openSqliteStore(file).close(); // create the schema once
    const tsx = path.resolve('node_modules/.bin/tsx');
    const both = (at: string) => Promise.all([0, 1].map(() => new Promise<string>((resolve, reject) => {
      execFile(tsx, ['tests/fakes/job-process.ts', file, at], (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
    })));
    expect((await both('2026-11-30T00:00:00Z')).sort()).toEqual(['ran', 'skipped']);
    expect((await both('2026-12-07T00:00:00Z')).sort()).toEqual(['ran', 'skipped']);
    const store = openSqliteStore(file);
    expect(await store.documents.count('test_runs')).toBe(2);
    await store.close();
  });
});

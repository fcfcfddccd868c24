// Finding 7 (privacy): no way for a parent to have their data deleted, no retention limits, no
// privacy notice. Decree 13/2023 gives parents those rights.
import { userWithToken } from '../api/console-helpers.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { CHAT_API_KEY, startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { ERASED, asksErasure } from '../../src/features/privacy/privacy-service.ts';
import { conversationKey } from '../../src/core/messages.ts';

const webRef = (user: string) => ({ channel: 'webchat' as const, accountId: 'web', userId: user, threadId: user, threadType: 'user' as const });

describe('erasure', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  /** A parent with a history: turns, a subscription, a comment, an absence. */
  async function parentWithHistory(user: string) {
    await loa.chat(user, 'học phí bao nhiêu', { messageId: 'first' });
    await loa.say(user, 'mấy giờ đón con');
    const contact = (await loa.store.contacts.findByRef(webRef(user)))!;
    const at = '2026-11-26T02:00:00.000Z';
    await loa.store.subscriptions.subscribe(contact.id, 'la-a1', 'chat', 'webchat', at);
    await loa.store.comments.create({ createdAt: at, contactId: contact.id, ref: contact.ref, displayName: 'Mẹ Bông', classId: 'la-a1', text: 'Cháu Bông bị dị ứng tôm, cô chú ý giúp', category: 'meals', sentiment: 'neutral', severity: 'normal', anonymous: false, status: 'new', assignedTo: null, firstResponseAt: null, dueAt: at, remindedAt: null });
    await loa.store.absences.create({ createdAt: at, contactId: contact.id, childName: 'Nguyễn Bông', classId: 'la-a1', fromDate: '2026-11-27', toDate: '2026-11-27', reason: 'cháu sốt 39 độ' });
    await loa.store.flush();
    return contact;
  }

  async function expectErased(user: string, contactId: string) {
    const key = conversationKey(webRef(user));
    expect(await loa.store.transcript.list({ conversationKey: key })).toEqual([]);
    expect(await loa.store.sessions.get(key)).toBeNull();
    expect(await loa.store.subscriptions.list({ contactId, includeLeft: true })).toEqual([]);
    const comments = await loa.store.comments.list({});
    expect(comments).toHaveLength(1); // counted in reports still
    expect(comments[0]).toMatchObject({ text: ERASED, displayName: null, contactId: null, category: 'meals', classId: 'la-a1' });
    const absences = await loa.store.absences.list({ from: '2026-11-27', to: '2026-11-27' });
    expect(absences).toHaveLength(1);
    expect(absences[0]).toMatchObject({ childName: ERASED, reason: null, contactId: null, classId: 'la-a1' });
    const contact = await loa.store.contacts.get(contactId);
    expect(contact).toMatchObject({ displayName: null, locale: null });
    expect(contact?.erasedAt).toBeTruthy();
    expect(JSON.stringify(contact)).not.toContain(user);
    expect(await loa.store.contacts.findByRef(webRef(user))).toBeNull();
  }

  it('"xóa dữ liệu của tôi" asks first, in Vietnamese; "Không xoá" keeps everything', async () => {
    await parentWithHistory('me-bong');
    const ask = await loa.chat('me-bong', 'xóa dữ liệu của tôi');
    expect(ask.body.replies[0].text).toContain('chắc chắn muốn xoá');
    expect(ask.body.replies[0].quickReplies.map((q: { payload: string }) => q.payload)).toEqual(['erase:yes', 'erase:no']);
    const keep = await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'me-bong', payload: 'erase:no' });
    expect(keep.body.replies[0].text).toContain('giữ nguyên');
    expect((await loa.store.transcript.list({ conversationKey: conversationKey(webRef('me-bong')) })).length).toBeGreaterThan(2);
  });

  it('once confirmed, erases transcript, sessions, subscriptions and personal fields; counts and de-duplication hold', async () => {
    const contact = await parentWithHistory('me-bong');
    await loa.chat('me-bong', 'xoa du lieu cua toi');
    const done = await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'me-bong', payload: 'erase:yes' });
    expect(done.body.replies[0].text).toContain('đã xoá dữ liệu');
    await expectErased('me-bong', contact.id);
    // The tombstone keeps de-duplication: a redelivered message is not answered again, and tells nothing.
    const again = await loa.chat('me-bong', 'học phí bao nhiêu', { messageId: 'first' });
    expect(again.body).toEqual({ replies: [], duplicate: true });
    expect(await loa.store.transcript.list({ conversationKey: conversationKey(webRef('me-bong')) })).toEqual([]);
    // Writing again starts afresh, as a new contact.
    await loa.say('me-bong', 'xin chào');
    expect((await loa.store.contacts.findByRef(webRef('me-bong')))?.id).not.toBe(contact.id);
  });

  it('is asked and confirmed in English too, even in the middle of a form', async () => {
    await loa.say('dad', 'my child is sick today and will stay home');
    const ask = await loa.chat('dad', 'please delete my data');
    expect(ask.body.replies[0].text).toContain('Are you sure?');
    const done = await loa.chat('dad', 'yes');
    expect(done.body.replies[0].text).toContain('erased');
    expect(await loa.store.transcript.list({ conversationKey: conversationKey(webRef('dad')) })).toEqual([]);
  });

  it('DELETE /api/admin/contacts/:id erases a contact (admin only, audited)', async () => {
    const contact = await parentWithHistory('me-bong');
    const staff = await userWithToken(loa, { name: 'Cô Lan', role: 'principal' });
    const forbidden = await request(loa.app).delete(`/api/admin/contacts/${contact.id}`).set('authorization', `Bearer ${staff.token}`);
    expect(forbidden.status).toBe(403);
    const res = await loa.admin().delete(`/api/admin/contacts/${contact.id}`);
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({ transcript: 2, subscriptions: 1, comments: 1, absences: 1, contact: 1 });
    await expectErased('me-bong', contact.id);
    expect((await loa.admin().delete('/api/admin/contacts/nobody')).status).toBe(404);
    const audit = await loa.store.audit.list({ action: 'contact.erase' });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain('Bông');
  });

  it('understands the ways parents ask, and nothing else', () => {
    for (const t of ['xóa dữ liệu của tôi', 'Xoá hết thông tin của em', 'xoa du lieu ca nhan cua minh', 'Delete my data', 'erase all my personal information']) expect(asksErasure(t), t).toBe(true);
    for (const t of ['xóa phản ánh', 'cô xoá giúp em tin nhắn trước', 'delete the menu', 'dữ liệu của tôi ở đâu']) expect(asksErasure(t), t).toBe(false);
  });
});

describe('retention', () => {
  it('the nightly job deletes or anonymises each kind of data past its period, and keeps the rest', async () => {
    const loa = await startLoa({ config: testConfig({ RETENTION_TRANSCRIPT_DAYS: '30', RETENTION_RAW_PAYLOAD_DAYS: '7', RETENTION_SESSION_DAYS: '60', RETENTION_ABSENCE_DAYS: '90' }) });
    try {
      loa.clockAt('2026-08-01T02:00:00Z');
      await loa.say('old', 'học phí bao nhiêu');
      await loa.store.absences.create({ createdAt: '2026-08-01T02:00:00Z', contactId: null, childName: 'Bé Na', classId: 'la-a1', fromDate: '2026-08-03', toDate: '2026-08-03', reason: 'ốm' });
      loa.clockAt('2026-11-25T02:00:00Z');
      await loa.say('recent', 'học phí bao nhiêu');
      await loa.store.flush();
      loa.clockAt('2026-11-26T02:00:00Z');
      const job = loa.jobs.find((j) => j.name === 'data-retention')!;
      expect(job.cron).toBe('0 3 * * *');
      await job.run();
      const turns = await loa.store.transcript.list();
      expect(turns.map((t) => t.conversationKey)).toEqual([conversationKey(webRef('recent'))]);
      expect(await loa.store.sessions.get(conversationKey(webRef('old')))).toBeNull();
      const [absence] = await loa.store.absences.list({ from: '2026-08-03', to: '2026-08-03' });
      expect(absence).toMatchObject({ childName: ERASED, reason: null, classId: 'la-a1' });
    } finally {
      await loa.close();
    }
  });
});

describe('the privacy notice', () => {
  it('is linked in a new parent\'s first answer only, in their language, and served at /privacy', async () => {
    const loa = await startLoa({ config: testConfig({ PRIVACY_NOTICE: 'true', PUBLIC_URL: 'https://loa.hoasen.edu.vn' }) });
    try {
      const first = await loa.say('new-parent', 'học phí bao nhiêu');
      expect(first).toContain('https://loa.hoasen.edu.vn/privacy');
      expect(first).toContain('xóa dữ liệu của tôi');
      expect(await loa.say('new-parent', 'mấy giờ đón con')).not.toContain('/privacy');
      expect(await loa.say('english-parent', 'how much are the fees?')).toContain('https://loa.hoasen.edu.vn/privacy?lang=en');
      const vi = await request(loa.app).get('/privacy');
      expect(vi.status).toBe(200);
      expect(vi.headers['content-type']).toContain('text/html');
      expect(vi.text).toContain('Nghị định 13/2023');
      expect(vi.text).toContain('365 ngày');
      expect(vi.text).not.toContain('<script');
      const en = await request(loa.app).get('/privacy?lang=en');
      expect(en.text).toContain('Decree 13/2023');
      expect(en.text).toContain('365 days');
    } finally {
      await loa.close();
    }
  });
});

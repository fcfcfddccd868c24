// Contacts as the console's screen reads them: a parent's conversation includes what the school's
// people wrote to them (kept in the outbox, not the transcript), with whether it went out; staff
// limited to a class find only that class's parents and write only after a parent asked for a person.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, type TestLoa } from '../helpers.ts';
import { userWithToken, withToken } from './console-helpers.ts';

describe('contacts: the conversation with what staff wrote', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  const absence = async (user: string, child: string, klass: string) => {
    await loa.say(user, `cho bé ${child} lớp ${klass} nghỉ hôm nay`);
    await loa.say(user, 'bé bị sốt');
    await loa.say(user, 'đúng');
  };
  const contactOf = async (user: string) => (await loa.store.contacts.list({ limit: 1000 })).find((c) => c.ref.userId === user)!;

  it('shows the principal\'s message in the conversation; staff of another class cannot find the parent', async () => {
    await absence('mẹ Na', 'Na', 'Lá A1');
    await absence('bố Bin', 'Bin', 'Lá A2');
    const na = await contactOf('mẹ Na');
    const bin = await contactOf('bố Bin');
    expect((await loa.store.absences.list({ from: '2026-11-26', to: '2026-11-26' })).map((a) => a.classId).sort()).toEqual(['la-a1', 'la-a2']);

    const principal = withToken(loa, (await userWithToken(loa, { name: 'Cô Hiệu trưởng', role: 'principal' })).token);
    expect((await principal.post(`/api/admin/contacts/${na.id}/messages`).send({ text: 'Chúc bé Na mau khỏe ạ.' })).status).toBe(200);
    const conversation = (await principal.get(`/api/admin/contacts/${na.id}/transcript`)).body;
    expect(conversation.turns.map((t: { text: string }) => t.text)).toContain('bé bị sốt');
    expect(conversation.staffMessages).toEqual([expect.objectContaining({ text: 'Chúc bé Na mau khỏe ạ.', status: expect.stringMatching(/sent|pending/) })]);

    const staff = withToken(loa, (await userWithToken(loa, { name: 'Cô Lan', role: 'staff', classIds: ['la-a1'] })).token);
    const found = (await staff.get('/api/admin/contacts?q=')).body.contacts.map((c: { id: string }) => c.id);
    expect(found).toContain(na.id);
    expect(found).not.toContain(bin.id);
    expect((await staff.get(`/api/admin/contacts/${bin.id}/transcript`)).status).toBe(404);
    // Her own class's parent, who did not ask for a person: she answers through their comment instead.
    const refused = await staff.post(`/api/admin/contacts/${na.id}/messages`).send({ text: 'Cô chào chị' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBeTruthy();
  });

  it('tells parents apart by their children and classes, a teacher seeing only her classes\' children', async () => {
    await absence('mẹ Na', 'Na', 'Lá A1');
    await absence('mẹ Na', 'Tít', 'Lá A2'); // Na's brother, in another class
    await absence('bố Bin', 'Bin', 'Lá A2');
    const na = await contactOf('mẹ Na');
    const principal = withToken(loa, (await userWithToken(loa, { name: 'Cô Hiệu trưởng', role: 'principal' })).token);
    const all = (await principal.get('/api/admin/contacts')).body.contacts;
    expect(all.find((c: { id: string }) => c.id === na.id)).toMatchObject({ children: ['Na', 'Tít'], classIds: ['la-a1', 'la-a2'] });
    const staff = withToken(loa, (await userWithToken(loa, { name: 'Cô Lan', role: 'staff', classIds: ['la-a1'] })).token);
    const hers = (await staff.get('/api/admin/contacts')).body.contacts;
    expect(hers).toEqual([expect.objectContaining({ id: na.id, children: ['Na'], classIds: ['la-a1'] })]);
  });

  it('hides from staff what the school wrote to a parent with an anonymous comment', async () => {
    for (const step of ['tôi muốn góp ý', 'Cơm hôm nay bị khê các con không ăn được', 'Bữa ăn', 'có', 'Lá A1', 'có']) await loa.say('mẹ Bông', step);
    const [comment] = await loa.store.comments.list();
    expect(comment).toMatchObject({ anonymous: true, classId: 'la-a1' });
    const bong = await contactOf('mẹ Bông');
    const principal = withToken(loa, (await userWithToken(loa, { name: 'Cô Hiệu trưởng', role: 'principal' })).token);
    expect((await principal.post(`/api/admin/contacts/${bong.id}/messages`).send({ text: 'Về chuyện cơm khê, nhà trường đã nhắc bếp ạ.' })).status).toBe(200);
    expect((await principal.get(`/api/admin/contacts/${bong.id}/transcript`)).body.staffMessages[0].text).toBe('Về chuyện cơm khê, nhà trường đã nhắc bếp ạ.');
    const staff = withToken(loa, (await userWithToken(loa, { name: 'Cô Lan', role: 'staff', classIds: ['la-a1'] })).token);
    const seen = await staff.get(`/api/admin/contacts/${bong.id}/transcript`);
    expect(seen.status).toBe(200);
    expect(seen.body.staffMessages[0].text).toBe('(ẩn danh · anonymous)');
    expect(JSON.stringify(seen.body)).not.toMatch(/khê/);
  });

  it("shows the school's answer to a comment in the conversation, introduced in the parent's language", async () => {
    await loa.say('mum Anna', 'Hello, what time does school start?'); // she chats in English
    const anna = await contactOf('mum Anna');
    const comment = await loa.store.comments.create({
      createdAt: '2026-11-26T02:00:00.000Z', contactId: anna.id, ref: anna.ref, displayName: 'Anna', classId: 'la-a1',
      text: 'The playground slide has a broken step', category: 'facilities', sentiment: 'negative', severity: 'normal',
      anonymous: false, status: 'new', assignedTo: null, firstResponseAt: null, dueAt: '2026-11-28T02:00:00.000Z', remindedAt: null,
    });
    const principal = withToken(loa, (await userWithToken(loa, { name: 'Cô Hiệu trưởng', role: 'principal' })).token);
    expect((await principal.post(`/api/admin/comments/${comment.id}/reply`).send({ text: 'We will repair it tomorrow.' })).status).toBe(200);
    const conversation = (await principal.get(`/api/admin/contacts/${anna.id}/transcript`)).body;
    expect(conversation.staffMessages.map((m: { text: string }) => m.text)).toContain(`The school's answer about ${comment.code}: We will repair it tomorrow.`);
  });
});

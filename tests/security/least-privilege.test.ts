// Finding 2: class-limited staff saw and acted beyond their classes and could unmask anonymous
// parents; they could write to any parent as the school; viewers read parents' names, chat ids
// and children's absence reasons.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fb from '../fakes/messenger-fixtures.ts';
import { openSchool, SECRETS, SEND, type School } from './school-fixture.ts';

describe('least privilege', () => {
  let s: School;
  beforeEach(async () => {
    s = await openSchool();
  });
  afterEach(async () => s.close());

  it("shows class-limited staff their classes' parents only, and never the words of an anonymous comment with its author", async () => {
    const list = await s.as('staff').get('/api/admin/contacts');
    expect(list.status).toBe(200);
    const names = list.body.contacts.map((c: { displayName: string }) => c.displayName);
    expect(names).toContain(SECRETS.ownClassParent);
    expect(names).not.toContain(SECRETS.otherClassParent);
    expect((await s.as('staff').get(`/api/admin/contacts?q=${encodeURIComponent('Lá Hai')}`)).body.contacts).toEqual([]);
    expect((await s.as('staff').get(`/api/admin/contacts/${s.contacts.otherClass.id}/transcript`)).status).toBe(404);
    expect((await s.as('principal').get(`/api/admin/contacts/${s.contacts.otherClass.id}/transcript`)).status).toBe(200);

    const comment = await s.as('staff').get(`/api/admin/comments/${s.comments.anonymous}`);
    expect(comment.body.comment.displayName).toMatch(/Ẩn danh/);
    const transcript = await s.as('staff').get(`/api/admin/contacts/${s.contacts.anonymous.id}/transcript`);
    expect(transcript.status).toBe(200);
    expect(JSON.stringify(transcript.body)).not.toContain(SECRETS.anonymousWords);
    expect(JSON.stringify(transcript.body)).toContain('học phí bao nhiêu'); // the rest of the conversation stays readable
    // The principal sees who wrote it.
    expect(JSON.stringify((await s.as('principal').get(`/api/admin/contacts/${s.contacts.anonymous.id}/transcript`)).body)).toContain(SECRETS.anonymousWords);
  });

  it("lists unanswered questions of the staff member's classes only", async () => {
    const mine = await s.as('staff').get('/api/admin/questions/unanswered');
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.body)).not.toContain(SECRETS.otherClassQuestion);
    expect(JSON.stringify((await s.as('principal').get('/api/admin/questions/unanswered')).body)).toContain(SECRETS.otherClassQuestion);
  });

  it("keeps other classes' groups out of a class-limited staff member's reach", async () => {
    expect((await s.as('staff').get('/api/admin/groups/la-a2/members')).status).toBe(403);
    expect((await s.as('staff').delete(`/api/admin/groups/la-a2/members/${s.contacts.otherClass.id}`)).status).toBe(403);
    expect((await s.as('staff').put(`/api/admin/groups/school/members/${s.contacts.otherClass.id}`)).status).toBe(403);
    expect(await s.loa.store.subscriptions.activeGroups(s.contacts.otherClass.id)).toEqual(['la-a2']);
    expect((await s.as('staff').get('/api/admin/groups/la-a1/members')).status).toBe(200);
  });

  it('lets staff write to a parent only inside a hand-off the parent asked for, audited', async () => {
    const write = () => s.as('staff').post(`/api/admin/contacts/${s.contacts.ownClass.id}/messages`).send({ text: 'Cô chào anh ạ' });
    const refused = await write();
    expect(refused.status).toBe(403);
    await s.loa.pipeline.drain();
    expect(s.graph.to(SEND)).toHaveLength(0);
    // The parent asks for a person.
    expect((await fb.postWebhook(s.loa.app, fb.textMessage(SECRETS.ownClassPsid, 'mid-ho', 'cho tôi gặp người thật'))).status).toBe(200);
    await s.loa.pipeline.drain();
    const before = s.graph.to(SEND).length;
    const ok = await write();
    expect(ok.status).toBe(200);
    await s.loa.pipeline.drain();
    expect(s.graph.to(SEND).slice(before).map((r) => r.body.message.text)).toContain('Cô chào anh ạ');
    const [entry] = await s.loa.store.audit.list({ action: 'contact.message' });
    expect(entry.details).toMatchObject({ text: 'Cô chào anh ạ', handoff: true });
    // Another class's parent stays out of reach even after asking.
    expect((await fb.postWebhook(s.loa.app, fb.textMessage(SECRETS.otherClassPsid, 'mid-ho2', 'cho tôi gặp người thật'))).status).toBe(200);
    await s.loa.pipeline.drain();
    expect((await s.as('staff').post(`/api/admin/contacts/${s.contacts.otherClass.id}/messages`).send({ text: 'x' })).status).toBe(404);
  });

  it('gives viewers counts only: no names, chat ids, comment texts or absence reasons', async () => {
    const comments = await s.as('viewer').get('/api/admin/comments');
    expect(comments.status).toBe(200);
    expect(comments.body.comments).toHaveLength(2);
    const absences = await s.as('viewer').get('/api/admin/absences?date=2026-11-26');
    expect(absences.body).toMatchObject({ total: 2, byClass: { 'la-a1': 1, 'la-a2': 1 } });
    const report = await s.as('viewer').get('/api/admin/reports/week?date=2026-11-26&format=csv');
    expect(report.status).toBe(200);
    for (const body of [JSON.stringify(comments.body), JSON.stringify(absences.body), report.text]) {
      for (const secret of Object.values(SECRETS)) expect(body).not.toContain(secret);
    }
    expect((await s.as('viewer').get(`/api/admin/comments/${s.comments.otherClass}`)).status).toBe(403);
  });

  it("audits staff reads of parents' data", async () => {
    await s.as('staff').get(`/api/admin/contacts/${s.contacts.ownClass.id}/transcript`).expect(200);
    await s.as('staff').get('/api/admin/absences?date=2026-11-26').expect(200);
    await s.as('staff').get('/api/admin/groups/la-a1/members').expect(200);
    const actions = (await s.loa.store.audit.list({ actor: undefined })).filter((e) => e.actor.includes('Cô Giáo Lá Một')).map((e) => `${e.action} ${e.target}`);
    expect(actions).toEqual(expect.arrayContaining([`read.transcript contact:${s.contacts.ownClass.id}`, 'read.absences absences:2026-11-26', 'read.members group:la-a1']));
    // The principal's reads are not logged as staff reads.
    await s.as('principal').get(`/api/admin/contacts/${s.contacts.ownClass.id}/transcript`).expect(200);
    expect((await s.loa.store.audit.list()).filter((e) => e.actor.includes('Cô Hiệu Trưởng') && e.action.startsWith('read.'))).toEqual([]);
  });
});

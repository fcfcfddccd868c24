// The console's overview, its live stream, the comments' views and search, a comment's page and
// the reply templates: per role, on a real SQLite file and (for the stream) a real listening server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoa, type TestLoa } from '../helpers.ts';
import { userWithToken, withToken } from './console-helpers.ts';
import { LiveEvents } from '../../src/http/admin/live-events.ts';
import { DomainEvents } from '../../src/core/domain-events.ts';
import type { User } from '../../src/store/types.ts';
import { errorHandler } from '../../src/http/errors.ts';
import { silentLogger } from '../../src/logger.ts';

/** A server-sent events reader: the events seen so far, and a wait for one that matches. */
async function follow(url: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const seen: { event: string; data: any }[] = [];
  let raw = '';
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        raw += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = raw.indexOf('\n\n')) >= 0) {
          const block = raw.slice(0, end);
          raw = raw.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) seen.push({ event, data: data ? JSON.parse(data) : null });
          else if (block.startsWith(':')) seen.push({ event: 'heartbeat', data: null });
          waiters.forEach((w) => w());
        }
      }
    } catch { /* aborted */ }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    seen,
    async waitFor(test: (e: { event: string; data: any }) => boolean, ms = 5000) {
      const found = () => seen.find(test);
      if (found()) return found()!;
      return new Promise<{ event: string; data: any }>((resolve, reject) => {
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`no matching event in ${ms} ms; seen ${JSON.stringify(seen)}`)); }, ms);
        const check = () => { const f = found(); if (f) { clearTimeout(timer); waiters.delete(check); resolve(f); } };
        waiters.add(check);
      });
    },
    close: () => controller.abort(),
  };
}

describe('console overview and live events', () => {
  let loa: TestLoa;
  let server: http.Server;
  let base: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    loa = await startLoa();
    for (const [key, role, classIds] of [['principal', 'principal', []], ['staffA1', 'staff', ['la-a1']], ['viewer', 'viewer', []], ['admin', 'admin', []]] as const) {
      const u = await userWithToken(loa, { name: `Cô ${key}`, role, classIds: [...classIds] });
      tokens[key] = u.token;
      ids[key] = u.id;
    }
    server = http.createServer(loa.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await loa.close();
  });

  const as = (key: string) => withToken(loa, tokens[key]);
  const submit = (text: string, classId: string | null, extra: Partial<{ anonymous: boolean; urgent: boolean; displayName: string }> = {}) =>
    loa.features.comments.submit({ text, classId, anonymous: extra.anonymous ?? false, contactId: null, ref: null, displayName: extra.displayName ?? 'Mẹ bé Na', urgent: extra.urgent });

  it('streams what changed to whom it concerns: a urgent report reaches the principal, not the staff of another class', async () => {
    const principal = await follow(`${base}/api/admin/events`, tokens.principal);
    const staff = await follow(`${base}/api/admin/events`, tokens.staffA1);
    expect(principal.status).toBe(200);
    expect(principal.contentType).toContain('text/event-stream');
    await principal.waitFor((e) => e.event === 'hello');
    await staff.waitFor((e) => e.event === 'hello');
    // A parent reports an emergency through the chat (no class known: the whole school's).
    await loa.say('parent-emergency', 'con em vua bi nga o lop, chay mau dau');
    const got = await principal.waitFor((e) => e.event === 'comment' && e.data.action === 'created');
    expect(got.data.severity).toBe('urgent');
    // The event names what changed, never the parent's words.
    expect(JSON.stringify(principal.seen)).not.toContain('chay mau');
    await principal.waitFor((e) => e.event === 'alert');
    // A comment of Lá A2 and one of Lá A1: the Lá A1 teacher hears of hers only.
    const other = await submit('Lớp Lá A2 ồn quá', 'la-a2');
    const own = await submit('Lớp Lá A1 cần thêm quạt', 'la-a1');
    await staff.waitFor((e) => e.event === 'comment' && e.data.id === own.id);
    await principal.waitFor((e) => e.event === 'comment' && e.data.id === other.id);
    expect(staff.seen.filter((e) => e.event === 'comment').map((e) => e.data.classId)).toEqual(['la-a1']);
    expect(staff.seen.some((e) => e.event === 'alert')).toBe(false);
    principal.close();
    staff.close();
  }, 30_000);

  it("tells a teacher of one class of her parents' unanswered questions only, and the commune of none", async () => {
    const staff = await follow(`${base}/api/admin/events`, tokens.staffA1);
    const viewer = await follow(`${base}/api/admin/events`, tokens.viewer);
    const principal = await follow(`${base}/api/admin/events`, tokens.principal);
    for (const s of [staff, viewer, principal]) await s.waitFor((e) => e.event === 'hello');
    const webRef = (user: string) => ({ channel: 'webchat' as const, accountId: 'web', userId: user, threadId: user, threadType: 'user' as const });
    const own = await loa.store.contacts.touch(webRef('parent-q-a1'), '2026-11-26T01:00:00Z', 'Bố Lá Một');
    const other = await loa.store.contacts.touch(webRef('parent-q-a2'), '2026-11-26T01:00:00Z', 'Mẹ Lá Hai');
    await loa.store.subscriptions.subscribe(own.id, 'la-a1', 'chat', 'webchat', '2026-11-26T01:00:00Z');
    await loa.store.subscriptions.subscribe(other.id, 'la-a2', 'chat', 'webchat', '2026-11-26T01:00:00Z');
    await loa.say('parent-q-a2', 'thời tiết ở Hà Nội hôm nay thế nào');
    await loa.say('parent-q-a1', 'giá vàng hôm nay bao nhiêu');
    await principal.waitFor((e) => e.event === 'question');
    await principal.waitFor(() => principal.seen.filter((e) => e.event === 'question').length >= 2);
    await staff.waitFor((e) => e.event === 'question');
    await new Promise((r) => setTimeout(r, 400));
    expect(staff.seen.filter((e) => e.event === 'question')).toHaveLength(1);
    expect(viewer.seen.some((e) => e.event === 'question')).toBe(false);
    // What the stream says names nobody.
    expect(JSON.stringify(staff.seen)).not.toMatch(/parent-q|Lá Một|thời tiết/);
    for (const s of [staff, viewer, principal]) s.close();
  }, 30_000);

  it("tells a class's teacher of an absence reported and withdrawn in the chat, and not another class's teacher", async () => {
    const other = await userWithToken(loa, { name: 'Cô Chồi B2', role: 'staff', classIds: ['choi-b2'] });
    const own = await follow(`${base}/api/admin/events`, tokens.staffA1);
    const elsewhere = await follow(`${base}/api/admin/events`, other.token);
    for (const s of [own, elsewhere]) await s.waitFor((e) => e.event === 'hello');
    await loa.say('parent-absence', 'cho chau Bin lop La A1 nghi tu thu 2 den thu 4 vi ve que');
    await loa.say('parent-absence', 'dung roi');
    await own.waitFor((e) => e.event === 'absence' && e.data.action === 'created');
    await loa.say('parent-absence', 'huy bao nghi cho chau Bin');
    await loa.say('parent-absence', 'vang');
    const withdrawn = await own.waitFor((e) => e.event === 'absence' && e.data.action === 'withdrawn');
    expect(withdrawn.data.classId).toBe('la-a1');
    await new Promise((r) => setTimeout(r, 400));
    expect(elsewhere.seen.some((e) => e.event === 'absence')).toBe(false);
    for (const s of [own, elsewhere]) s.close();
  }, 30_000);

  it("tells of an announcement's steps, and the principal's overview counts it waiting for approval", async () => {
    const staffLive = await follow(`${base}/api/admin/events`, tokens.staffA1);
    await staffLive.waitFor((e) => e.event === 'hello');
    const waiting = async () => (await as('principal').get('/api/admin/overview')).body.overview.broadcasts.pendingApproval as number;
    const before = await waiting();
    const draft = await as('staffA1').post('/api/admin/broadcasts').send({ title: 'Họp phụ huynh', text: { vi: 'Kính mời phụ huynh dự họp.' }, audience: { groups: ['la-a1'] }, sendAt: '2026-12-20T01:00:00Z' });
    expect(draft.status).toBe(201);
    expect((await as('staffA1').post(`/api/admin/broadcasts/${draft.body.id}/submit`).send({})).status).toBe(200);
    await staffLive.waitFor((e) => e.event === 'broadcast' && e.data.id === draft.body.id && e.data.status === 'pending_approval');
    expect(await waiting()).toBe(before + 1);
    staffLive.close();
  }, 30_000);

  it('refuses a stream without a session, and a script can check the stream with once=1', async () => {
    expect((await fetch(`${base}/api/admin/events`)).status).toBe(401);
    const res = await as('viewer').get('/api/admin/events?once=1');
    expect(res.status).toBe(200);
    expect(res.text).toContain('event: hello');
  });

  it('gives each role its overview: urgent and overdue first, absences per class, counts for the commune', async () => {
    loa.clockAt('2026-11-26T02:00:00Z');
    const urgent = await submit('Cháu bị ngã chảy máu ở lớp Lá A2', 'la-a2', { urgent: true });
    await loa.store.absences.create({ createdAt: '2026-11-26T01:00:00Z', contactId: null, childName: 'Bé Na', classId: 'la-a1', fromDate: '2026-11-26', toDate: '2026-11-26', reason: 'ốm' });
    await loa.store.absences.create({ createdAt: '2026-11-26T01:00:00Z', contactId: null, childName: 'Bé Bông', classId: 'la-a2', fromDate: '2026-11-25', toDate: '2026-11-27', reason: 'sốt' });
    const p = (await as('principal').get('/api/admin/overview')).body.overview;
    expect(p.comments.items[0].severity).toBe('urgent');
    expect(p.comments.items.map((c: any) => c.id)).toContain(urgent.id);
    expect(p.comments.urgent).toBeGreaterThanOrEqual(2);
    expect(p.absences.date).toBe('2026-11-26');
    expect(p.absences.byClass.find((c: any) => c.classId === 'la-a2').count).toBe(1);
    expect(p.absences.total).toBe(2);
    expect(p.alerts.open).toBeGreaterThanOrEqual(1);
    expect(p.channels.webchat.on).toBe(true);
    expect(p.broadcasts.pendingApproval).toBeTypeOf('number');
    const s = (await as('staffA1').get('/api/admin/overview')).body.overview;
    expect(s.absences.byClass.map((c: any) => c.classId)).toEqual(['la-a1']);
    expect(s.absences.total).toBe(1);
    expect(s.comments.items.every((c: any) => c.classId === 'la-a1')).toBe(true);
    expect(s.alerts).toBeNull();
    expect(s.channels).toBeNull();
    expect(s.broadcasts.pendingApproval).toBeNull();
    const v = (await as('viewer').get('/api/admin/overview')).body.overview;
    expect(v.unanswered).toBeNull();
    expect(JSON.stringify(v)).not.toContain('Bé Na');
    // Two days later, the non-urgent comments are overdue and come right after the urgent ones.
    loa.clockAt('2026-12-02T02:00:00Z');
    const later = (await as('principal').get('/api/admin/overview')).body.overview;
    expect(later.comments.overdue).toBeGreaterThanOrEqual(2);
    expect(later.absences.total).toBe(0);
    expect((await as('principal').get('/api/admin/overview?date=2026-11-27')).body.overview.absences.total).toBe(1);
    expect((await as('principal').get('/api/admin/overview?date=2026-11-31')).status).toBe(400);
    loa.clockAt('2026-11-26T02:00:00Z');
  });

  it('lists comments by view, searches without diacritics, urgent first', async () => {
    const fee = await submit('Học phí tháng này tăng mà không báo trước', 'la-a1');
    const list = async (key: string, query: string) => (await as(key).get(`/api/admin/comments?${query}`)).body.comments as any[];
    expect((await list('principal', 'q=hoc%20phi')).map((c) => c.id)).toContain(fee.id);
    expect((await list('principal', 'q=HỌC%20PHÍ')).map((c) => c.id)).toContain(fee.id);
    const all = await list('principal', 'view=all');
    const firstNormal = all.findIndex((c) => c.severity !== 'urgent');
    expect(all.slice(firstNormal).some((c) => c.severity === 'urgent' && !c.firstResponseAt)).toBe(false);
    expect((await list('principal', 'view=urgent')).every((c) => c.severity === 'urgent')).toBe(true);
    expect(await list('principal', 'view=mine')).toEqual([]);
    await as('principal').post(`/api/admin/comments/${fee.id}/assign`).send({ userId: ids.staffA1 });
    expect((await list('staffA1', 'view=mine')).map((c) => c.id)).toEqual([fee.id]);
    expect((await list('principal', 'view=unassigned')).map((c) => c.id)).not.toContain(fee.id);
    // Staff see their class only; the viewer's search reads ticket codes, never the words.
    expect((await list('staffA1', 'view=all')).every((c) => c.classId === 'la-a1')).toBe(true);
    expect(await list('viewer', 'q=hoc%20phi')).toEqual([]);
    expect((await list('viewer', `q=${fee.code}`)).map((c) => c.id)).toEqual([fee.id]);
    expect((await as('principal').get('/api/admin/comments?view=later')).status).toBe(400);
    // Filters and views together: both must hold, and a contradiction is an empty list, not an error.
    for (const query of ['view=overdue&status=resolved', 'view=urgent&severity=normal', 'view=unassigned&status=closed']) {
      const res = await as('principal').get(`/api/admin/comments?${query}`);
      expect(res.status, query).toBe(200);
      expect(res.body.comments, query).toEqual([]);
    }
    const normalFees = await list('principal', 'severity=normal&category=fees');
    expect(normalFees.map((c) => c.id)).toContain(fee.id);
    expect(normalFees.every((c) => c.severity === 'normal' && c.category === 'fees')).toBe(true);
  });

  it("shows a comment's conversation, hides it with the parent of an anonymous comment from staff, lists who may take it", async () => {
    await loa.say('parent-conv', 'tôi muốn góp ý');
    await loa.say('parent-conv', 'Bữa trưa hôm nay cơm bị khê, các cháu không ăn được');
    for (const payload of ['feedback:cat:meals', 'feedback:anon:no', 'feedback:class:la-a1']) await loa.chat('parent-conv', '', { text: undefined, payload });
    await loa.say('parent-conv', 'đúng rồi');
    const c = (await loa.store.comments.list({ limit: 5 })).find((x) => x.text.includes('cơm bị khê'));
    if (!c) throw new Error('the comment form did not file the comment');
    const page = (await as('principal').get(`/api/admin/comments/${c.id}`)).body;
    expect(page.conversation.map((t: any) => t.text)).toContain('tôi muốn góp ý');
    const anon = await submit('Cô giáo quát cháu', 'la-a1', { anonymous: true, displayName: 'Mẹ Thật' });
    await loa.store.comments.update(anon.id, {}, '2026-11-26T02:00:00Z');
    const staffPage = (await as('staffA1').get(`/api/admin/comments/${anon.id}`)).body;
    expect(staffPage.comment.displayName).not.toContain('Mẹ Thật');
    expect(staffPage.conversation).toBeNull();
    const assignees = (await as('principal').get(`/api/admin/comments/${anon.id}/assignees`)).body.assignees as any[];
    expect(assignees.map((u) => u.id)).toContain(ids.staffA1);
    expect(assignees.map((u) => u.id)).not.toContain(ids.viewer);
    const a2 = await submit('Lá A2 thiếu nước uống', 'la-a2');
    expect(((await as('principal').get(`/api/admin/comments/${a2.id}/assignees`)).body.assignees as any[]).map((u) => u.id)).not.toContain(ids.staffA1);
    expect((await as('staffA1').get(`/api/admin/comments/${a2.id}/assignees`)).status).toBe(403);
  });

  it("shows the school's reply on the parent's next chat turn when the chat comes through a trusted server", async () => {
    const first = await loa.say('parent-relay', 'con em vua bi nga o lop, chay mau dau');
    const code = /PA-\d+/.exec(first)![0];
    const c = (await loa.store.comments.getByCode(code))!;
    const reply = await as('principal').post(`/api/admin/comments/${c.id}/reply`).send({ text: 'Cô hiệu trưởng đang gọi cho anh chị ngay.' });
    expect(reply.status).toBe(200);
    // The server relaying the chat has no page open to receive it: the next answer carries it, once.
    const next = await loa.say('parent-relay', 'vâng ạ');
    expect(next).toContain('Cô hiệu trưởng đang gọi cho anh chị ngay.');
    expect(next.indexOf('Cô hiệu trưởng')).toBeLessThan(next.indexOf('Dạ'));
    expect(await loa.say('parent-relay', 'cảm ơn cô')).not.toContain('Cô hiệu trưởng đang gọi');
    // Delivered, as the comment's history says.
    const history = (await as('principal').get(`/api/admin/comments/${c.id}`)).body.history as any[];
    expect(history.some((e) => e.kind === 'delivery')).toBe(true);
  });

  it('keeps reply templates that admins edit, refusing a stale save', async () => {
    const first = (await as('staffA1').get('/api/admin/reply-templates')).body;
    expect(first.version).toBe(0);
    expect(first.templates.length).toBeGreaterThan(0);
    const templates = [{ id: 'hen-gap', title: 'Hẹn gặp', text: { vi: 'Mời anh/chị đến trường gặp cô hiệu trưởng.' } }];
    expect((await as('principal').put('/api/admin/reply-templates').send({ version: 0, templates })).status).toBe(403);
    const saved = await as('admin').put('/api/admin/reply-templates').send({ version: 0, templates });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(1);
    expect((await as('admin').put('/api/admin/reply-templates').send({ version: 0, templates })).status).toBe(409);
    const bad = await as('admin').put('/api/admin/reply-templates').send({ version: 1, templates: [{ id: 'x', title: '', text: { vi: '' } }] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields ?? {})).not.toHaveLength(0);
    expect((await as('staffA1').get('/api/admin/reply-templates')).body.templates).toEqual(templates);
    expect((await as('viewer').get('/api/admin/reply-templates')).status).toBe(403);
  });
});

describe('the live stream keeps to its limits', () => {
  it('caps the open streams, lets a person\'s oldest tab give way, and sends heartbeats', async () => {
    const events = new DomainEvents();
    const live = new LiveEvents({ events, visibleContacts: async () => null }, { maxStreams: 3, maxPerUser: 2, heartbeatMs: 50 });
    const user = (id: string) => ({ id, name: id, role: 'principal', classIds: [], disabled: false } as unknown as User);
    const app = express();
    app.get('/api/admin/events/:id', async (req, res) => { await live.handle(req, res, user(String(req.params.id))); });
    app.use(errorHandler(silentLogger()));
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/admin/events`;
    try {
      const a1 = await follow(`${url}/a`, 'x');
      const a2 = await follow(`${url}/a`, 'x');
      const b1 = await follow(`${url}/b`, 'x');
      await a2.waitFor((e) => e.event === 'hello');
      expect(live.open).toBe(3);
      const c1 = await follow(`${url}/c`, 'x');
      expect(c1.status).toBe(503);
      const refused = await fetch(`${url}/c`, { headers: { 'accept-language': 'en' } });
      expect(refused.status).toBe(503);
      expect((await refused.json()).error).toMatchObject({ code: 'too_many_streams', message: '3 consoles are already following live; please try again in a minute.' });
      // A third tab of "a" closes a's oldest one instead of being refused.
      const a3 = await follow(`${url}/a`, 'x');
      expect(a3.status).toBe(200);
      await a3.waitFor((e) => e.event === 'hello');
      expect(live.open).toBe(3);
      events.emit({ kind: 'broadcast', action: 'updated', id: 7, classId: null, contactId: null, status: 'sending', at: 'now' });
      await b1.waitFor((e) => e.event === 'broadcast' && e.data.status === 'sending');
      await a3.waitFor((e) => e.event === 'broadcast');
      expect(a1.seen.some((e) => e.event === 'broadcast')).toBe(false);
      await b1.waitFor((e) => e.event === 'heartbeat');
      // Loa stopping ends every stream.
      events.close();
      await new Promise((r) => setTimeout(r, 100));
      expect(live.open).toBe(0);
      // A stream ends after its time, so that the browser signs in again to open the next one.
      const aged = new LiveEvents({ events: new DomainEvents(), visibleContacts: async () => null }, { heartbeatMs: 30, maxAgeMs: 60 });
      app.get('/api/admin/aged', async (req, res) => { await aged.handle(req, res, user('d')); });
      const d = await follow(url.replace('/api/admin/events', '/api/admin/aged'), 'x');
      await d.waitFor((e) => e.event === 'hello');
      expect(aged.open).toBe(1);
      await expect.poll(() => aged.open, { timeout: 2000 }).toBe(0);
      for (const s of [a1, a2, a3, b1, c1, d]) s.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

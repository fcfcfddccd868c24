// The web chat as an outbound channel, over a real HTTP server: announcements, staff replies and
// staff messages reach an open page live (server-sent events, resumed with Last-Event-ID), a closed
// page gets them on its next visit, in order, once; deliveries are waiting, delivered or expired.
import { userWithToken } from './console-helpers.ts';
import type { Role } from '../../src/store/types.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';

interface SseEvent { id: number; data: { id: number; from: string; text: string } }

/** A page's live stream, read with fetch as the widget does, acknowledging what it gets (unless told not to). */
async function openStream(base: string, token: string, lastEventId?: number, acknowledge = true) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/chat/events`, {
    headers: { 'x-loa-visitor': token, ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  let ready!: () => void;
  const listening = new Promise<void>((r) => (ready = r));
  const waiters: (() => void)[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith('retry:')) ready();
          const data = /^data: (.*)$/m.exec(block);
          const id = /^id: (\d+)$/m.exec(block);
          if (data && id) {
            events.push({ id: Number(id[1]), data: JSON.parse(data[1]) });
            if (acknowledge) {
              await fetch(`${base}/api/chat/received`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-loa-visitor': token }, body: JSON.stringify({ upTo: Number(id[1]) }) });
            }
          }
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      // aborted
    }
  })();
  await listening;
  return {
    status: res.status,
    events,
    /** Resolves when `n` events have arrived, or fails after `ms`. */
    async until(n: number, ms = 1000) {
      const deadline = Date.now() + ms;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${events.length} of ${n} events after ${ms} ms`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 20))]);
      }
      return events;
    },
    close: () => abort.abort(),
  };
}

describe('web chat: messages that arrive later', () => {
  let loa: TestLoa;
  let server: http.Server;
  let base: string;
  let staffToken: string;
  let principalToken: string;

  const start = async (overrides: Record<string, string> = {}) => {
    loa = await startLoa({ config: testConfig(overrides) });
    server = http.createServer(loa.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const mk = async (name: string, role: Role) => (await userWithToken(loa, { name, role })).token;
    staffToken = await mk('Cô Thu', 'staff');
    principalToken = await mk('Cô Hòa', 'principal');
  };
  beforeEach(async () => { await start(); });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await loa.close();
  });

  /** A browser: its identity from the first visit, then messages sent with it. */
  const visitor = async () => {
    const first = await request(base).get('/api/chat/history');
    const token = first.body.visitor as string;
    return {
      token,
      say: async (text: string) => (await request(base).post('/api/chat').set('x-loa-visitor', token).send({ text })).body,
      tap: async (payload: string) => (await request(base).post('/api/chat').set('x-loa-visitor', token).send({ payload })).body,
      history: async () => (await request(base).get('/api/chat/history').set('x-loa-visitor', token)).body.messages as { id: number; from: string; text: string }[],
    };
  };
  const as = (token: string) => ({
    post: (url: string) => request(loa.app).post(url).set('authorization', `Bearer ${token}`),
    get: (url: string) => request(loa.app).get(url).set('authorization', `Bearer ${token}`),
  });
  const announce = async (vi: string) => {
    const id = (await as(staffToken).post('/api/admin/broadcasts').send({ title: 'Thông báo', text: { vi, en: vi }, audience: { groups: ['school'] } })).body.id as number;
    await as(staffToken).post(`/api/admin/broadcasts/${id}/submit`);
    expect((await as(principalToken).post(`/api/admin/broadcasts/${id}/approve`)).status).toBe(200);
    return id;
  };
  const counts = async (id: number) => (await as(principalToken).get(`/api/admin/broadcasts/${id}`)).body.deliveries.byStatus;

  it('shows an approved announcement in the open page within a second, and counts it delivered', async () => {
    const parent = await visitor();
    expect((await parent.say('nhận thông báo toàn trường')).replies[0].text).toMatch(/đã đăng ký nhận thông báo: Toàn trường/);
    const page = await openStream(base, parent.token);
    await loa.features.dispatcher.start();
    const started = Date.now();
    const id = await announce('Thứ Sáu này trường nghỉ để tổng vệ sinh.');
    const [event] = await page.until(1, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(event.data).toMatchObject({ from: 'notice', text: expect.stringContaining('Thứ Sáu này trường nghỉ') });
    await loa.features.dispatcher.stop();
    await expect.poll(() => counts(id)).toMatchObject({ delivered: 1, waiting: 0, sent: 0, failed: 0 });
    page.close();
  });

  it('counts a delivery even when something wraps the channel\'s send and passes on only its usual arguments (metrics)', async () => {
    const send = loa.webchat.send.bind(loa.webchat);
    loa.webchat.send = (ref, message, purpose) => send(ref, message, purpose);
    const parent = await visitor();
    await parent.say('nhận thông báo toàn trường');
    const page = await openStream(base, parent.token);
    const id = await announce('Thông báo qua kênh được đo');
    await loa.features.dispatcher.drain();
    await page.until(1);
    await expect.poll(() => counts(id)).toMatchObject({ delivered: 1, waiting: 0 });
    page.close();
  });

  it('counts nothing delivered that a page did not acknowledge (a dead connection), and sends it again on reconnect', async () => {
    const parent = await visitor();
    await parent.say('nhận thông báo toàn trường');
    const deaf = await openStream(base, parent.token, undefined, false);
    const id = await announce('Lịch họp phụ huynh');
    await loa.features.dispatcher.drain();
    const [event] = await deaf.until(1);
    expect(await counts(id)).toMatchObject({ waiting: 1, delivered: 0 });
    deaf.close();
    const again = await openStream(base, parent.token, event.id);
    const [resent] = await again.until(1);
    expect(resent.id).toBe(event.id); // still waiting: sent again, and now acknowledged
    await expect.poll(() => counts(id)).toMatchObject({ waiting: 0, delivered: 1 });
    expect((await request(base).post('/api/chat/received').send({ upTo: event.id })).status).toBe(401);
    expect((await request(base).post('/api/chat/received').set('x-loa-visitor', parent.token).send({ upTo: 'all' })).status).toBe(400);
    again.close();
  });

  it('keeps what came while the page was closed for its next visit: in order, once, after the history', async () => {
    const parent = await visitor();
    await parent.say('nhận thông báo toàn trường');
    const a = await announce('Thông báo một');
    const b = await announce('Thông báo hai');
    await loa.features.dispatcher.drain();
    expect(await counts(a)).toMatchObject({ waiting: 1, delivered: 0 });
    const broadcast = (await as(principalToken).get(`/api/admin/broadcasts/${a}`)).body.broadcast;
    expect(broadcast.status).toBe('sent'); // the run is over; the delivery says it waits for the page
    const history = await parent.history();
    expect(history.map((m) => [m.from, m.text.slice(0, 20)])).toEqual([
      ['visitor', 'nhận thông báo toàn '], ['bot', expect.stringMatching(/^Dạ, bố mẹ đã đăng ký/)], ['notice', expect.stringContaining('Thông báo một')], ['notice', expect.stringContaining('Thông báo hai')],
    ]);
    expect(await counts(a)).toMatchObject({ waiting: 0, delivered: 1 });
    expect(await counts(b)).toMatchObject({ waiting: 0, delivered: 1 });
    // Once: the live stream opened after the history does not send them again.
    const page = await openStream(base, parent.token, history.at(-1)!.id);
    await new Promise((r) => setTimeout(r, 150));
    expect(page.events).toHaveLength(0);
    page.close();
  });

  it('resumes a dropped stream from Last-Event-ID: what was missed arrives, nothing twice', async () => {
    const parent = await visitor();
    await parent.say('nhận thông báo toàn trường');
    const page = await openStream(base, parent.token);
    await announce('Tin thứ nhất');
    await loa.features.dispatcher.drain();
    const [first] = await page.until(1);
    page.close();
    await new Promise((r) => setTimeout(r, 50));
    await announce('Tin thứ hai');
    await announce('Tin thứ ba');
    await loa.features.dispatcher.drain();
    const again = await openStream(base, parent.token, first.id);
    const events = await again.until(2);
    expect(events.map((e) => e.data.text)).toEqual([expect.stringContaining('Tin thứ hai'), expect.stringContaining('Tin thứ ba')]);
    expect(events[0].id).toBeGreaterThan(first.id);
    await new Promise((r) => setTimeout(r, 100));
    expect(again.events).toHaveLength(2);
    again.close();
  });

  it('lets what no page fetched expire after WEBCHAT_DELIVERY_TTL_HOURS, and says so in the counts', async () => {
    await loa.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await start({ WEBCHAT_DELIVERY_TTL_HOURS: '2' });
    const parent = await visitor();
    expect((await parent.say('nhận thông báo toàn trường')).replies.length).toBeGreaterThan(0);
    const flow = await parent.say('nhận thông báo');
    expect(flow.replies[0].text).toBeTruthy();
    const done = await parent.say('xong');
    expect(done.replies[0].text).toMatch(/hiện trong khung chat này.*trong vòng 2 giờ/s); // what the web chat can keep
    const id = await announce('Họp phụ huynh tối thứ Hai');
    await loa.features.dispatcher.drain();
    loa.clockAt('2026-11-26T03:59:00Z');
    await loa.webchat.expireDue();
    expect(await counts(id)).toMatchObject({ waiting: 1 });
    loa.clockAt('2026-11-26T04:01:00Z');
    expect(await loa.webchat.expireDue()).toBe(1);
    const c = (await as(principalToken).get(`/api/admin/broadcasts/${id}`)).body.deliveries;
    expect(c.byStatus).toMatchObject({ expired: 1, waiting: 0, delivered: 0 });
    expect(c.reasons).toEqual({ 'the visitor did not open the web chat within 2 hours': 1 });
    expect((await parent.history()).map((m) => m.text).join(' ')).not.toContain('Họp phụ huynh');
  });

  it('brings a staff reply to the parent\'s comment and a staff message to the open page, live', async () => {
    const parent = await visitor();
    await parent.say('tôi muốn góp ý');
    await parent.say('Cơm hôm nay bị khê các con không ăn được');
    await parent.tap('feedback:cat:meals');
    await parent.tap('feedback:anon:no');
    await parent.tap('feedback:class:la-a1');
    expect((await parent.tap('feedback:confirm:yes')).replies[0].text).toMatch(/PA-0001/);
    const page = await openStream(base, parent.token);
    const [comment] = await loa.store.comments.list();
    const reply = await loa.admin().post(`/api/admin/comments/${comment.id}/reply`).send({ text: 'Nhà bếp đã rút kinh nghiệm ạ.' });
    expect(reply.body).toMatchObject({ delivery: 'waiting_for_visitor' }); // until the open page says it has it
    const contact = (await loa.store.contacts.list({ channel: 'webchat' }))[0];
    const direct = await loa.admin().post(`/api/admin/contacts/${contact.id}/messages`).send({ text: 'Chiều nay cô sẽ gọi cho bố mẹ.' });
    expect(direct.status).toBe(200);
    const events = await page.until(2);
    expect(events.map((e) => [e.data.from, e.data.text])).toEqual([
      ['notice', 'Phản hồi của nhà trường về PA-0001: Nhà bếp đã rút kinh nghiệm ạ.'],
      ['staff', 'Chiều nay cô sẽ gọi cho bố mẹ.'],
    ]);
    await expect.poll(async () => (await loa.store.comments.events(comment.id)).filter((e) => e.kind === 'delivery').map((e) => e.details.delivery)).toEqual(['delivered']);
    page.close();
  });

  it('says in the comment\'s history whether the web parent received the school\'s reply, later or never', async () => {
    await loa.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await start({ WEBCHAT_DELIVERY_TTL_HOURS: '1' });
    const parents = [await visitor(), await visitor()];
    for (const parent of parents) {
      await parent.say('tôi muốn góp ý');
      await parent.say('Sân chơi có nhiều lá khô, các con dễ trượt ngã');
      await parent.tap('feedback:cat:facilities');
      await parent.tap('feedback:anon:no');
      await parent.tap('feedback:class:la-a1');
      await parent.tap('feedback:confirm:yes');
    }
    const [first, second] = await loa.store.comments.list({});
    const ids = [first, second].sort((a, b) => a.id - b.id).map((c) => c.id);
    for (const id of ids) {
      const r = await loa.admin().post(`/api/admin/comments/${id}/reply`).send({ text: 'Trường đã cho quét sân.' });
      expect(r.body).toEqual({ delivery: 'waiting_for_visitor' }); // no page open: not "sent"
    }
    await parents[0].history(); // the first parent comes back
    loa.clockAt('2026-11-26T03:30:00Z');
    await loa.webchat.expireDue(); // the second never does
    const deliveries = async (id: number) => (await loa.store.comments.events(id)).filter((e) => e.kind === 'delivery').map((e) => e.details.delivery);
    expect(await deliveries(ids[0])).toEqual(['delivered']);
    expect(await deliveries(ids[1])).toEqual(['expired']);
  });

  it('promises a web parent who asks for a person only what the web chat keeps, and keeps it', async () => {
    const parent = await visitor();
    const asked = await parent.say('cho tôi gặp người thật');
    expect(asked.replies[0].text).toMatch(/trả lời bố mẹ ngay trong khung chat này.*trong vòng 72 giờ/s);
    const contact = (await loa.store.contacts.list({ channel: 'webchat' }))[0];
    expect((await loa.admin().post(`/api/admin/contacts/${contact.id}/messages`).send({ text: 'Chào chị, em là cô Hòa.' })).status).toBe(200);
    expect((await parent.history()).at(-1)).toMatchObject({ from: 'staff', text: 'Chào chị, em là cô Hòa.' });
  });

  it('keeps each visitor to their own stream: another browser sees nothing, also when naming the first', async () => {
    const a = await visitor();
    const b = await visitor();
    await a.say('xin chào');
    const aContact = (await loa.store.contacts.list({ channel: 'webchat' }))[0];
    const pageB = await openStream(base, b.token);
    const pageA = await openStream(base, a.token);
    await loa.admin().post(`/api/admin/contacts/${aContact.id}/messages`).send({ text: 'Riêng cho phụ huynh A' });
    await pageA.until(1);
    const sneaky = await request(base).get(`/api/chat/history?user=${encodeURIComponent(aContact.ref.userId)}`).set('x-loa-visitor', b.token);
    expect(sneaky.body.messages).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(pageB.events).toHaveLength(0);
    expect((await request(base).get('/api/chat/events')).status).toBe(401); // no identity, no stream
    pageA.close();
    pageB.close();
  });
});

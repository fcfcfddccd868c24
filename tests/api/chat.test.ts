import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { CHAT_API_KEY, startLoa, type TestLoa } from '../helpers.ts';
import { classify, readIntentDir, trainModel } from '../../src/nlu/nlu-service.ts';

describe('web chat', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  it('greets in Vietnamese and in English, with quick replies', async () => {
    const vi = await loa.chat('p1', 'xin chào');
    expect(vi.status).toBe(200);
    expect(vi.body.replies[0].text).toMatch(/^Xin chào bố mẹ! Em là Loa/);
    expect(vi.body.replies[0].quickReplies).toContainEqual({ title: 'Học phí, tiền ăn', payload: 'intent:fees' });
    const en = await loa.chat('p2', 'hello');
    expect(en.body.replies[0].text).toMatch(/^Hello! I'm Loa/);
    expect(en.body.locale).toBe('en');
  });

  it('answers a quick-reply payload through the same pipeline', async () => {
    const res = await request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'p1', payload: 'intent:pickup_hours' });
    expect(res.status).toBe(200);
    expect(res.body.replies[0].text).toContain('06:45–08:00');
  });

  it('remembers the language and switches on request', async () => {
    expect(await loa.say('p1', 'hello')).toMatch(/Hello/);
    expect(await loa.say('p1', 'ok')).toMatch(/welcome/i); // too short to tell: stays English
    expect(await loa.say('p1', 'tiếng Việt')).toBe('Dạ, từ giờ em sẽ trả lời bằng tiếng Việt ạ.');
    expect(await loa.say('p1', 'ok')).toMatch(/cảm ơn/);
    expect(await loa.say('p1', 'English please')).toMatch(/answer in English/);
    expect(await loa.say('p1', 'tiếng Việt')).toMatch(/tiếng Việt/);
    expect(await loa.say('p1', 'stop')).toMatch(/chưa đăng ký nhận thông báo/); // one English word: still Vietnamese
    expect(await loa.say('p1', 'What is on the menu tomorrow?')).toMatch(/^Menu for/); // a sentence switches
    expect(await loa.say('p1', 'English please')).toMatch(/answer in English/);
    const contact = (await loa.store.contacts.list({ channel: 'webchat' })).find((c) => c.ref.userId === 'p1');
    expect(contact?.locale).toBe('en');
  });

  it('records each turn in the transcript with intent, confidence, handler and latency', async () => {
    await loa.say('p1', 'hoc phi thang 11 het bn tien a');
    await loa.say('p1', 'giá vàng hôm nay');
    const turns = await loa.store.transcript.list();
    expect(turns[0]).toMatchObject({ text: 'hoc phi thang 11 het bn tien a', intent: 'fees', handler: 'fees', answered: true, locale: 'vi' });
    expect(turns[0].confidence).toBeGreaterThan(0.5);
    expect(turns[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect(turns[1]).toMatchObject({ intent: 'none', answered: false, handler: 'fallback' });
    const unanswered = await loa.admin().get('/api/admin/questions/unanswered');
    expect(unanswered.body.questions.map((q: { text: string }) => q.text)).toEqual(['giá vàng hôm nay']);
  });

  it('offers the nearest topic first when it does not know the answer, so a complaint is one tap from the form', async () => {
    const text = 'lớp có camera không ạ'; // a school question the FAQ does not cover
    const { candidate, intent } = classify(trainModel(readIntentDir('intents')), text);
    expect(intent).toBe('none');
    const res = await loa.chat('p1', text);
    const buttons = res.body.replies.at(-1).quickReplies.map((q: { payload: string }) => q.payload);
    expect(buttons[0]).toBe(`intent:${candidate}`);
    expect(buttons).toContain('intent:help');
  });

  it('answers the same message id once, and a retry gets the stored answer', async () => {
    const first = await loa.chat('p1', 'xin chào', { messageId: 'retry-1' });
    const again = await loa.chat('p1', 'xin chào', { messageId: 'retry-1' });
    expect(first.body.replies).toHaveLength(1);
    expect(again.body).toEqual({ replies: first.body.replies, duplicate: true });
    expect(await loa.store.transcript.list()).toHaveLength(1);
  });

  it('answers every message when many parents post at once', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `tin nhắn số ${i}`);
    await Promise.all([
      ...texts.map((t, i) => loa.chat('same-parent', t, { messageId: `m${i}` })),
      ...texts.map((t, i) => loa.chat(`other-${i}`, t)),
    ]);
    const turns = await loa.store.transcript.list({ conversationKey: 'webchat:web:user:same-parent' });
    expect(turns.map((t) => t.text).sort()).toEqual([...texts].sort());
    expect(await loa.store.transcript.list({ limit: 100 })).toHaveLength(24);
  });

  describe('bad input', () => {
    const post = (body: string | object, type = 'application/json') => request(loa.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).set('content-type', type).send(body);

    it('refuses malformed JSON with a clear 400', async () => {
      const res = await post('{"user": "p1", "text": ');
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ code: 'malformed_json', message: 'the request body is not valid JSON' });
    });

    it('refuses a body over 1 MB with 413 and keeps serving', async () => {
      const res = await post({ user: 'p1', text: 'x'.repeat(1_100_000) });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('body_too_large');
      expect((await loa.chat('p1', 'xin chào')).status).toBe(200);
    });

    it('asks for user and text', async () => {
      expect((await post({ text: 'hi' })).body.error.message).toMatch(/user/);
      expect((await post({ user: 'p1' })).body.error.message).toMatch(/either "text" or "payload"/);
      expect((await post({ user: '', text: 'hi' })).status).toBe(400);
    });

    it('keeps a long letter whole, and refuses one over 20,000 characters in both languages, storing nothing', async () => {
      const res = await post({ user: 'p1', text: 'a'.repeat(20_001) });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/dài quá 20000 ký tự.*longer than 20000 characters/);
      expect(await loa.store.transcript.list()).toHaveLength(0);
      expect(await loa.store.contacts.list()).toHaveLength(0);
    });

    it('answers an unknown or stale button in the parent\'s language instead of an English error', async () => {
      for (const payload of ['intent:does_not_exist', 'nonsense', 'absence:confirm:yes']) {
        const res = await post({ user: 'p1', payload });
        expect(res.status).toBe(200);
        expect(res.body.replies[0].text).toMatch(/nút đó thuộc câu hỏi trước/);
      }
      const en = await post({ user: 'p2', text: 'hello, what can you do?' });
      expect(en.body.locale).toBe('en');
      expect((await post({ user: 'p2', payload: 'absence:confirm:yes' })).body.replies[0].text).toMatch(/earlier question/);
    });

    it('answers empty text, emoji, noise and mixed scripts without failing', async () => {
      for (const text of ['', '   ', '😀😀😀', 'x9$#@!'.repeat(300).slice(0, 2000), 'học phí 学费 плата fees?']) {
        const res = await post({ user: 'p1', text });
        expect(res.status, text.slice(0, 20)).toBe(200);
        expect(res.body.replies[0].text.length).toBeGreaterThan(10);
        expect(res.body.replies[0].text).not.toMatch(/trục trặc|went wrong/); // an answer, not the error reply
      }
      expect((await loa.store.transcript.list()).map((t) => t.handler)).not.toContain('error');
    });

    it('answers 404 in the error shape for unknown routes', async () => {
      const res = await request(loa.app).get('/api/nothing');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });
});

describe('operations', () => {
  it('serves the chat page, /healthz and /readyz', async () => {
    const loa = await startLoa();
    const page = await request(loa.app).get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/widget.js');
    expect((await request(loa.app).get('/widget.js')).text).toContain('/api/chat');
    expect((await request(loa.app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(loa.app).get('/readyz')).body).toMatchObject({ status: 'ready', store: 'ok' });
    await loa.close();
  });
});

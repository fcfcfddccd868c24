// Quick replies act only on the message they belong to: a button of an earlier message is answered
// politely (answers.stale_button) and the live buttons are offered again; the form goes on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, type TestLoa } from '../helpers.ts';
import { liveButtons } from '../../src/channels/webchat/webchat-buttons.ts';

describe('web chat quick replies', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  it('answers the greeting\'s old "fees" button politely mid-form, and the comment is still filed (five taps, no fee answers)', async () => {
    const browser = request.agent(loa.app);
    const greeting = await browser.post('/api/chat').send({ text: 'xin chào' });
    expect(greeting.body.replies[0].quickReplies).toContainEqual({ title: 'Học phí, tiền ăn', payload: 'intent:fees' });
    await browser.post('/api/chat').send({ text: 'tôi muốn góp ý' });
    const ask = await browser.post('/api/chat').send({ text: 'Cơm hôm nay bị khê các con không ăn được' });
    const categories = ask.body.replies.at(-1).quickReplies as { payload: string }[];
    expect(categories[0].payload).toBe('feedback:cat:meals');
    for (let i = 0; i < 5; i++) {
      const old = await browser.post('/api/chat').send({ payload: 'intent:fees' });
      expect(old.status).toBe(200);
      expect(old.body.stale).toBe(true);
      expect(old.body.replies[0].text).toBe('Dạ, nút đó thuộc câu hỏi trước nên em không dùng được nữa ạ. Bố mẹ nhắn điều cần hỏi, hoặc chọn «Trợ giúp» để xem em giúp được gì nhé.');
      // The question's own buttons stay usable, with help.
      expect(old.body.replies[0].quickReplies.map((q: { payload: string }) => q.payload)).toEqual([...categories.map((c) => c.payload).filter((p) => p !== 'intent:help'), 'intent:help']);
    }
    expect((await loa.store.transcript.list({ limit: 100 })).filter((t) => t.intent === 'fees')).toHaveLength(0);
    await browser.post('/api/chat').send({ payload: 'feedback:cat:meals' });
    await browser.post('/api/chat').send({ payload: 'feedback:anon:yes' });
    await browser.post('/api/chat').send({ payload: 'feedback:class:la-a1' });
    const done = await browser.post('/api/chat').send({ payload: 'feedback:confirm:yes' });
    expect(done.body.replies[0].text).toMatch(/mã số PA-0001/);
    expect(await loa.store.comments.list()).toHaveLength(1);
  });

  it('keeps the history of taps by their titles, and refuses a payload the page was never shown', async () => {
    const browser = request.agent(loa.app);
    await browser.post('/api/chat').send({ text: 'xin chào' });
    const fees = await browser.post('/api/chat').send({ payload: 'intent:fees' });
    expect(fees.body.stale).toBeUndefined();
    expect(fees.body.intent).toBe('fees');
    const made_up = await browser.post('/api/chat').send({ payload: 'feedback:confirm:yes' });
    expect(made_up.body.stale).toBe(true);
    const history = (await browser.get('/api/chat/history')).body.messages as { from: string; text: string }[];
    expect(history.filter((m) => m.from === 'visitor').map((m) => m.text)).toEqual(['xin chào', 'Học phí, tiền ăn', 'feedback:confirm:yes']);
  });

  it('answers a retried tap once, as the inbox does, instead of calling it stale', async () => {
    const browser = request.agent(loa.app);
    await browser.post('/api/chat').send({ text: 'xin chào' });
    const first = await browser.post('/api/chat').send({ payload: 'intent:fees', messageId: 'tap-1' });
    expect(first.body.intent).toBe('fees');
    const retry = await browser.post('/api/chat').send({ payload: 'intent:fees', messageId: 'tap-1' });
    expect(retry.body.stale).toBeUndefined();
    expect(retry.body.duplicate).toBe(true);
    expect((await loa.store.transcript.list()).filter((t) => t.intent === 'fees')).toHaveLength(1);
  });

  it('leaves trusted callers (CHAT_API_KEY) to the bot\'s own rules', async () => {
    const res = await loa.chat('p1', '', { text: undefined, payload: 'intent:pickup_hours' });
    expect(res.body.replies[0].text).toContain('06:45–08:00');
  });

  it('counts only the buttons after the visitor\'s last message', () => {
    const m = (id: number, kind: 'visitor' | 'bot' | 'notice', payloads: string[] = []) => ({
      id, conversationKey: 'k', at: '', kind, status: 'delivered' as const, deliveryId: null, deliveredAt: null, expiresAt: null,
      message: { type: 'text' as const, text: 't', ...(payloads.length ? { quickReplies: payloads.map((p) => ({ title: p, payload: p })) } : {}) },
    });
    expect(liveButtons([])).toEqual([]);
    expect(liveButtons([m(1, 'visitor'), m(2, 'bot', ['a', 'b']), m(3, 'visitor'), m(4, 'bot', ['c']), m(5, 'notice')]).map((b) => b.payload)).toEqual(['c']);
    expect(liveButtons([m(1, 'visitor'), m(2, 'bot', ['a']), m(3, 'visitor'), m(4, 'bot')])).toEqual([]);
  });
});

// The web visitor's identity is the server's: a signed HttpOnly cookie (or the same token in a
// header, for the widget on another site). The body's `user` counts only with CHAT_API_KEY.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import fs from 'node:fs';
import path from 'node:path';
import { CHAT_API_KEY, startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { VisitorIdentity } from '../../src/channels/webchat/visitor-identity.ts';

const cookieOf = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('loa_visitor='));

describe('web chat visitor identity', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  it('issues a signed, HttpOnly, SameSite cookie and keeps the conversation with it', async () => {
    const browser = request.agent(loa.app);
    const first = await browser.post('/api/chat').send({ text: 'hello' });
    expect(first.status).toBe(200);
    const cookie = cookieOf(first)!;
    expect(cookie).toMatch(/^loa_visitor=v_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(first.headers['x-loa-visitor']).toBe(decodeURIComponent(cookie.split(';')[0].split('=')[1]));
    // The same browser is the same conversation: the language it used is remembered.
    const second = await browser.post('/api/chat').send({ text: 'ok' });
    expect(second.body.replies[0].text).toMatch(/welcome/i);
    expect(cookieOf(second)).toBeUndefined();
    expect(await loa.store.contacts.list({ channel: 'webchat' })).toHaveLength(1);
  });

  it('ignores the body\'s user without the key: nobody reads or acts as another parent by naming them', async () => {
    await loa.chat('me-Bong', 'tiếng Anh'); // the parent, through a trusted caller
    const stranger = await request(loa.app).post('/api/chat').send({ user: 'me-Bong', text: 'hủy nhận tin' });
    expect(stranger.status).toBe(200);
    const keys = (await loa.store.transcript.list()).map((t) => t.conversationKey);
    expect(keys[0]).toBe('webchat:web:user:me-Bong');
    expect(keys[1]).not.toContain('me-Bong');
    expect(keys[1]).toMatch(/^webchat:web:user:v_/);
  });

  it('refuses a forged or altered token and issues a new identity instead', async () => {
    const first = await request(loa.app).post('/api/chat').send({ text: 'xin chào' });
    const token = first.headers['x-loa-visitor'] as string;
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const other = `v_${'A'.repeat(22)}.${token.split('.')[1]}`;
    for (const bad of [forged, other, 'v_anything', 'me-Bong']) {
      const res = await request(loa.app).post('/api/chat').set('x-loa-visitor', bad).send({ text: 'xin chào' });
      expect(res.status).toBe(200);
      expect(res.headers['x-loa-visitor']).not.toBe(token);
      expect(res.headers['x-loa-visitor']).toMatch(/^v_/);
    }
    const same = await request(loa.app).post('/api/chat').set('x-loa-visitor', token).send({ text: 'xin chào' });
    expect(same.headers['x-loa-visitor']).toBeUndefined();
  });

  it('answers a wrong chat API key with 401 and the error shape', async () => {
    const res = await request(loa.app).post('/api/chat').set('authorization', 'Bearer not-the-key-0123456789').send({ user: 'p', text: 'xin chào' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('keeps the key optional: without CHAT_API_KEY configured a bearer is refused, visitors still chat', async () => {
    const noKey = await startLoa({ config: testConfig({ CHAT_API_KEY: '' }) });
    try {
      expect((await request(noKey.app).post('/api/chat').set('authorization', `Bearer ${CHAT_API_KEY}`).send({ user: 'p', text: 'hi' })).status).toBe(401);
      expect((await request(noKey.app).post('/api/chat').send({ text: 'hi' })).status).toBe(200);
    } finally {
      await noKey.close();
    }
  });

  it('de-duplicates a message id within one conversation, not across visitors', async () => {
    const a = request.agent(loa.app);
    const b = request.agent(loa.app);
    const a1 = await a.post('/api/chat').send({ text: 'xin chào', messageId: 'msg-1' });
    const b1 = await b.post('/api/chat').send({ text: 'xin chào', messageId: 'msg-1' });
    expect(a1.body.replies).toHaveLength(1);
    expect(b1.body.replies).toHaveLength(1);
    // A retry is not answered twice: it gets the stored answer back (security issue, crash recovery).
    const again = await a.post('/api/chat').send({ text: 'xin chào', messageId: 'msg-1' });
    expect(again.body).toMatchObject({ duplicate: true, replies: a1.body.replies });
    expect((await loa.store.transcript.list({ limit: 100 })).filter((t) => t.text === 'xin chào')).toHaveLength(2);
    // Trusted callers too: two users' "m1" are two messages.
    expect((await loa.chat('p1', 'xin chào', { messageId: 'm1' })).body.replies).toHaveLength(1);
    expect((await loa.chat('p2', 'xin chào', { messageId: 'm1' })).body.replies).toHaveLength(1);
  });

  it('"bắt đầu lại" gives the browser a new identity; the old conversation follows nothing any more', async () => {
    const browser = request.agent(loa.app);
    await browser.post('/api/chat').send({ text: 'nhận thông báo toàn trường' });
    const oldKey = (await loa.store.transcript.list())[0].conversationKey;
    expect(await loa.store.subscriptions.list({})).toHaveLength(1);
    const reset = await browser.post('/api/chat').send({ text: 'Bắt đầu lại' });
    expect(reset.status).toBe(200);
    expect(reset.body.replies[0].text).toMatch(/bắt đầu cuộc trò chuyện mới/);
    expect(cookieOf(reset)).toBeDefined();
    expect(await loa.store.subscriptions.list({})).toHaveLength(0);
    const history = await browser.get('/api/chat/history');
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['Bắt đầu lại', reset.body.replies[0].text]);
    await browser.post('/api/chat').send({ text: 'xin chào' });
    const keys = new Set((await loa.store.transcript.list()).map((t) => t.conversationKey));
    expect(keys.size).toBe(2);
    expect([...keys].filter((k) => k !== oldKey)).toHaveLength(1);
    const en = await request(loa.app).post('/api/chat').send({ text: 'start over' });
    expect(en.body.replies[0].text).toMatch(/new conversation/);
  });

  it('keeps the generated signing key in the data folder (0600), so identities survive a restart', async () => {
    const file = path.join(loa.config.DATA_DIR, 'webchat-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = VisitorIdentity.open(loa.config.DATA_DIR, undefined);
    const first = await request(loa.app).post('/api/chat').send({ text: 'xin chào' });
    expect(again.verify(first.headers['x-loa-visitor'] as string)?.userId).toMatch(/^v_/);
    expect(VisitorIdentity.open(loa.config.DATA_DIR, 'x'.repeat(32)).verify(first.headers['x-loa-visitor'] as string)).toBeNull();
  });
});

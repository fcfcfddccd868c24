// Finding 1: anyone on the web chat could become the principal's linked chat account (6-digit
// codes, accepted on the web chat, no lockout, older codes still valid).
import { userWithToken } from '../api/console-helpers.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';

const SEND = fb.SEND;

describe('staff link codes', () => {
  let graph: FakePlatform;
  let loa: TestLoa;
  let mid = 0;
  beforeEach(async () => {
    graph = await fb.acceptingGraph();
    loa = await startLoa({
      config: testConfig({ ...fb.messengerEnv(graph.url) }),
    });
  });
  afterEach(async () => {
    await loa.close();
    await graph.stop();
  });

  const messenger = async (psid: string, text: string) => {
    expect((await fb.postWebhook(loa.app, fb.textMessage(psid, `mid-${++mid}`, text))).status).toBe(200);
    await loa.pipeline.drain();
    await loa.outbox.settle?.();
    return graph.to(SEND).filter((r) => r.body.recipient.id === psid).map((r) => r.body.message.text as string).at(-1) ?? '';
  };
  const principal = async () => {
    const u = await userWithToken(loa, { name: 'Cô Hiệu trưởng', role: 'principal' });
    return { id: u.id, token: u.token };
  };
  const codeFor = async (token: string) => (await request(loa.app).post('/api/admin/staff/link-code').set('authorization', `Bearer ${token}`).send({})).body.code as string;
  const linkedTo = async (psid: string) => (await loa.store.staffLinks.all()).filter((l) => l.ref.userId === psid).map((l) => l.userId);

  it('gives codes of at least 10 random characters', async () => {
    const p = await principal();
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) codes.add(await codeFor(p.token));
    expect(codes.size).toBe(20);
    for (const c of codes) expect(c).toMatch(/^LOA-[A-Z0-9]{10,}$/);
    // Only a hash of the live code is kept: a copy of the database links nobody.
    await loa.store.flush();
    const db = new Database(path.join(loa.config.DATA_DIR, 'loa.db'), { readonly: true });
    const stored = db.prepare('SELECT code FROM link_codes').all() as { code: string }[];
    db.close();
    expect(stored).toHaveLength(1);
    expect(stored[0].code).not.toContain([...codes].at(-1)!.slice(4));
  });

  it('keeps one live code per person: a new code revokes the older ones', async () => {
    const p = await principal();
    const older = await codeFor(p.token);
    const newer = await codeFor(p.token);
    expect(await messenger('8001', older)).toMatch(/không đúng|hết hạn/);
    expect(await linkedTo('8001')).toEqual([]);
    expect(await messenger('8001', newer)).toContain('Đã liên kết');
    expect(await linkedTo('8001')).toEqual([p.id]);
  });

  it('never accepts a code on the web chat, and the code stays usable where it belongs', async () => {
    const p = await principal();
    const code = await codeFor(p.token);
    const res = await loa.chat('kẻ lạ', code);
    expect(res.status).toBe(200);
    expect(res.body.replies[0].text).toMatch(/Zalo|Messenger/);
    expect(res.body.replies[0].text).not.toContain('Đã liên kết');
    expect((await loa.store.staffLinks.all())).toHaveLength(0);
    expect(await messenger('8002', code)).toContain('Đã liên kết');
  });

  it('pauses a conversation after 5 wrong tries, even for the right code', async () => {
    const p = await principal();
    const code = await codeFor(p.token);
    for (let i = 0; i < 5; i++) expect(await messenger('8003', `LOA-WRONG${i}ABCD`)).toMatch(/không đúng|hết hạn/);
    const paused = await messenger('8003', code);
    expect(paused).toMatch(/thử lại sau|quá nhiều/);
    expect(await linkedTo('8003')).toEqual([]);
    // Another conversation is not paused, and the code was not used up by the paused try.
    expect(await messenger('8004', code)).toContain('Đã liên kết');
  });

  it('pauses an IP address after 5 tries on the web chat, whatever user id it gives', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await request(loa.app).post('/api/chat').set('x-forwarded-for', '203.0.113.7').send({ user: `u${i}`, text: `LOA-GUESS${i}XYZW` });
      expect(res.status).toBe(200);
    }
    const res = await request(loa.app).post('/api/chat').set('x-forwarded-for', '203.0.113.7').send({ user: 'u-new', text: 'LOA-GUESS9XYZW' });
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/thử lại|quá nhiều/);
    // Another address is not paused.
    expect((await request(loa.app).post('/api/chat').set('x-forwarded-for', '203.0.113.8').send({ user: 'u-other', text: 'LOA-GUESS9XYZW' })).status).toBe(200);
  });
});

// Finding 4: only what was validated is stored. Unknown fields of a web-chat body are not kept,
// a platform's raw payload is capped, and a deeply nested extra field gives 400/200, never 500.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';
import * as fx from '../fakes/messenger-fixtures.ts';
import { MAX_RAW_PAYLOAD_BYTES, RAW_TOO_LARGE, storableEvent } from '../../src/core/raw-payload.ts';

const SEND_PATH = '/v21.0/me/messages';

describe('what /api/chat and the webhooks store', () => {
  let graph: FakePlatform;
  let loa: TestLoa;
  beforeEach(async () => {
    graph = await new FakePlatform().on(SEND_PATH, () => ({ body: { recipient_id: 'x', message_id: `mid.${Math.random()}` } })).start();
    loa = await startLoa({
      config: testConfig({ ...fx.messengerEnv(graph.url) }),
    });
  });
  afterEach(async () => {
    await loa.close();
    await graph.stop();
  });

  const storedEvents = async () => {
    const { default: Database } = await import('better-sqlite3');
    await loa.store.flush();
    const db = new Database(`${loa.config.DATA_DIR}/loa.db`, { readonly: true });
    try {
      // An entry's event waits beside it until processed ('' then: its words are in the transcript).
      return (db.prepare("SELECT COALESCE(e.event, '') AS event FROM inbox i LEFT JOIN inbox_events e ON e.inbox_id = i.id ORDER BY i.id").all() as { event: string }[]).map((r) => r.event);
    } finally {
      db.close();
    }
  };

  it('keeps no copy of unknown fields of a web-chat body', async () => {
    const extra = 'x'.repeat(100_000);
    const res = await loa.chat('p-extra', 'xin chào', { extra, other: { nested: [1, 2, 3] } });
    expect(res.status).toBe(200);
    const events = await storedEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).not.toContain('xxxxxxxxxx');
    expect(events[0]).not.toContain('nested');
    expect(events[0].length).toBeLessThan(2_000);
  });

  it('keeps a parent\'s long letter whole (20,000 characters)', async () => {
    const letter = `Kính gửi nhà trường, ${'con em bị bạn đánh ở lớp. '.repeat(800)}`.slice(0, 20_000);
    const res = await loa.chat('p-letter', letter);
    expect(res.status).toBe(200);
    // Kept once: in the transcript; the processed inbox entry keeps only what de-duplication needs.
    expect((await loa.store.transcript.list())[0].text).toBe(letter);
    expect(await storedEvents()).toEqual(['']);
  });

  it('answers 400, not 500, for a 100,000-deep array in an extra field, and keeps serving', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const raw = `{"user":"p-deep","text":"xin chào","extra":${deep}}`;
    const res = await request(loa.app).post('/api/chat').set('content-type', 'application/json').send(raw);
    expect(res.status).toBeLessThan(500);
    const deepText = `{"user":"p-deep2","text":${deep}}`;
    const bad = await request(loa.app).post('/api/chat').set('content-type', 'application/json').send(deepText);
    expect(bad.status).toBe(400);
    expect((await loa.chat('p-after', 'xin chào')).status).toBe(200);
  });

  it('replaces a raw platform payload over the cap by a marker, keeping the text', async () => {
    const payload = fx.textMessage('7001', 'm_big', 'học phí bao nhiêu');
    (payload.entry[0].messaging[0] as any).extra = 'y'.repeat(MAX_RAW_PAYLOAD_BYTES + 10);
    expect((await fx.postWebhook(loa.app, payload)).status).toBe(200);
    // Recorded with a marker; once processed, the text is in the transcript and no payload is kept.
    expect((await loa.store.transcript.list())[0].text).toBe('học phí bao nhiêu');
    expect(await storedEvents()).toEqual(['']);
    const recorded = storableEvent({ type: 'text', text: 'x', ref: { channel: 'messenger', accountId: 'p', userId: 'u', threadId: 'u', threadType: 'user' }, messageId: 'm', timestamp: '', raw: payload });
    expect(recorded.raw).toMatchObject({ [RAW_TOO_LARGE]: true });
  });

  it('answers 200 to a signed webhook with a 100,000-deep array, stores it without the array', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const raw = JSON.stringify(fx.textMessage('7001', 'm_deep', 'xin chào')).replace('"text":"xin chào"', `"text":"xin chào","extra":${deep}`);
    const res = await fx.postWebhook(loa.app, raw);
    expect(res.status).toBe(200);
    expect(await storedEvents()).toEqual(['']); // processed: its words are in the transcript
    expect((await loa.store.transcript.list())[0].text).toBe('xin chào');
  });
});

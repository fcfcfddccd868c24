// The school's personal Zalo account through a zca-js-shaped fake: direct and group messages,
// mentions, reconnects, sessions opened elsewhere, rate limits and group discovery.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { eventually } from '../fakes/fake-platform.ts';
import { FakeZca } from '../fakes/fake-zca.ts';

const PARENT = '5000000000000000001';
const GROUP = '9000000000000000001';

describe('Zalo personal account (zca-js)', () => {
  let zca: FakeZca;
  let loa: TestLoa;

  beforeEach(async () => {
    zca = new FakeZca();
    zca.groups = { [GROUP]: { name: 'Phụ huynh lớp Lá A1', members: 34 } };
    loa = await startLoa({ config: testConfig({ ZALO_PERSONAL_ENABLED: 'true' }), connectZaloPersonal: async () => zca });
    await loa.channels.start();
    await eventually(() => loa.channels.zaloPersonal!.state === 'connected');
  });
  afterEach(async () => { await loa.close(); });

  it('answers a direct message in the same chat', async () => {
    zca.listener.emit('message', zca.message({ from: PARENT, text: 'hoc phi bao nhieu', id: 'z1' }));
    await eventually(() => zca.sent.length === 1);
    expect(zca.sent[0]).toMatchObject({ threadId: PARENT, type: 0 });
    expect(zca.sent[0].text).toContain('Học phí: miễn');
  });

  it('stays quiet in a group unless mentioned, and answers into the group when it is', async () => {
    zca.listener.emit('message', zca.message({ group: GROUP, from: PARENT, text: 'mai các con ăn gì nhỉ', id: 'g1' }));
    zca.listener.emit('message', zca.message({ group: GROUP, from: PARENT, text: '@Loa mai các con ăn gì', id: 'g2', mentions: [{ uid: zca.ownId, pos: 0, len: 4 }] }));
    await eventually(() => zca.sent.length === 1);
    await loa.pipeline.drain();
    expect(zca.sent).toHaveLength(1);
    expect(zca.sent[0]).toMatchObject({ threadId: GROUP, type: 1 });
    expect(zca.sent[0].text).toContain('Thực đơn Thứ Sáu, 27/11/2026');
    const [turn] = await loa.store.transcript.list();
    expect(turn.text).toBe('mai các con ăn gì'); // the mention is not part of the question
  });

  it('answers every message in a group staff allowed', async () => {
    await eventually(async () => (await loa.channels.zaloGroups.list()).length === 1);
    const res = await loa.admin().put(`/api/admin/zalo/groups/${GROUP}`).send({ allowBot: true, classId: 'la-a1' });
    expect(res.body.group).toMatchObject({ allowBot: true, classId: 'la-a1', name: 'Phụ huynh lớp Lá A1' });
    zca.listener.emit('message', zca.message({ group: GROUP, from: PARENT, text: 'mấy giờ đón con', id: 'g3' }));
    await eventually(() => zca.sent.length === 1);
  });

  it('ignores its own messages and someone else\'s mentions', async () => {
    zca.listener.emit('message', zca.message({ from: zca.ownId, text: 'xin chào', id: 's1', self: true }));
    zca.listener.emit('message', zca.message({ group: GROUP, from: PARENT, text: '@Cô Thu ơi', id: 'g4', mentions: [{ uid: '123', pos: 0, len: 7 }] }));
    await loa.pipeline.drain();
    expect(zca.sent).toHaveLength(0);
  });

  it('answers a message seen twice only once', async () => {
    const m = zca.message({ from: PARENT, text: 'xin chào', id: 'dup' });
    zca.listener.emit('message', m);
    zca.listener.emit('message', m);
    await eventually(() => zca.sent.length === 1);
    await loa.pipeline.drain();
    expect(zca.sent).toHaveLength(1);
  });

  it('reconnects with back-off after an abnormal close (1006), and saves the refreshed cookies', async () => {
    await loa.store.documents.put('channel_state', 'zalo_personal_credentials', { cookie: [{ key: 'zpw_sek', value: 'old' }], imei: 'imei-1', userAgent: 'UA' }, 'now');
    expect(zca.listener.starts).toBe(1);
    zca.listener.emit('closed', 1006, 'abnormal');
    expect(loa.channels.zaloPersonal!.state).toBe('reconnecting');
    await eventually(() => zca.listener.starts === 2, 3000);
    await eventually(() => loa.channels.zaloPersonal!.state === 'connected');
    const saved = await eventually(() => loa.store.documents.get<{ cookie: unknown[]; imei: string }>('channel_state', 'zalo_personal_credentials'));
    await eventually(async () => JSON.stringify((await loa.store.documents.get<{ cookie: unknown[] }>('channel_state', 'zalo_personal_credentials'))?.cookie) === JSON.stringify([{ key: 'zpw_sek', value: 'refreshed' }]));
    expect(saved?.imei).toBe('imei-1');
  });

  it('stops and alerts admins when the session is opened elsewhere (3000/3003)', async () => {
    zca.listener.emit('closed', 3000, 'duplicate connection');
    expect(loa.channels.zaloPersonal!.state).toBe('kicked');
    await eventually(async () => (await loa.store.alerts.list()).length === 1);
    expect((await loa.store.alerts.list())[0]).toMatchObject({ kind: 'zalo_personal' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(zca.listener.starts).toBe(1); // no fight over the session
  });

  it('keeps to a conservative rate per chat: extra messages wait', async () => {
    for (let i = 0; i < 5; i++) zca.listener.emit('message', zca.message({ from: PARENT, text: `xin chào ${i}`, id: `r${i}` }));
    await eventually(() => zca.sent.length === 3);
    await loa.pipeline.drain();
    expect(zca.sent).toHaveLength(3); // burst of 3 per chat, then 6 per minute
    const [waiting] = await loa.store.outbox.list({ status: 'pending' });
    expect(waiting.lastError).toBe('rate_limited (thread)');
    loa.clockAt(new Date(Date.parse('2026-11-26T02:00:00Z') + 60_000));
    await loa.outbox.flushDue();
    expect(zca.sent).toHaveLength(5);
  });

  it('backs off for a long while when Zalo throttles the account', async () => {
    zca.failNextSendWith = { code: 221, message: 'too many messages' };
    zca.listener.emit('message', zca.message({ from: PARENT, text: 'xin chào', id: 't1' }));
    await eventually(async () => (await loa.store.outbox.list({ status: 'pending' })).length === 1);
    const [item] = await loa.store.outbox.list({ status: 'pending' });
    expect(Date.parse(item.nextAttemptAt) - Date.parse('2026-11-26T02:00:00Z')).toBeGreaterThanOrEqual(10 * 60_000);
  });

  it('discovers groups in chunks and keeps the staff\'s mapping', async () => {
    zca.groups = Object.fromEntries(Array.from({ length: 170 }, (_, i) => [`9${String(i).padStart(18, '0')}`, { name: `Nhóm ${i}`, members: i }]));
    zca.groupInfoCalls.length = 0;
    const res = await loa.admin().post('/api/admin/zalo/groups/discover');
    expect(res.body.found).toBe(170);
    expect(zca.groupInfoCalls.map((c) => c.length)).toEqual([80, 80, 10]);
    const id = `9${'0'.repeat(18)}`;
    await loa.admin().put(`/api/admin/zalo/groups/${id}`).send({ classId: 'choi-b1' });
    await loa.admin().post('/api/admin/zalo/groups/discover');
    expect((await loa.channels.zaloGroups.get(id))?.classId).toBe('choi-b1');
    expect((await loa.admin().put(`/api/admin/zalo/groups/${id}`).send({ classId: 'lop-ma' })).status).toBe(400);
    expect((await loa.admin().put('/api/admin/zalo/groups/404').send({ allowBot: true })).status).toBe(404);
  });
});

// Channels and alerts as the console's screen reads them: each channel's state (Messenger paused
// with its reason after the fake Graph refused the token, the Zalo OA token's expiry, never a
// token), the outbox's failed messages for the principal (the README says she may see them; the
// API used to answer her 403), alerts acknowledged once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, testConfig, type TestLoa } from '../helpers.ts';
import { FakePlatform, eventually } from '../fakes/fake-platform.ts';
import * as fb from '../fakes/messenger-fixtures.ts';
import * as zl from '../fakes/zalo-oa-fixtures.ts';
import { userWithToken, withToken } from './console-helpers.ts';

const SEND = fb.SEND;

describe('channels, outbox and alerts for the principal', () => {
  let graph: FakePlatform;
  let zalo: FakePlatform;
  let loa: TestLoa;

  beforeEach(async () => {
    graph = await fb.acceptingGraph();
    zalo = await new FakePlatform().start();
    loa = await startLoa({
      config: testConfig({
        ...fb.messengerEnv(graph.url),
        ZALO_APP_ID: zl.APP_ID, ZALO_APP_SECRET: zl.APP_SECRET, ZALO_OA_SECRET_KEY: zl.OA_SECRET_KEY,
        ZALO_OA_ACCESS_TOKEN: 'zalo-access-secret', ZALO_OA_REFRESH_TOKEN: 'zalo-refresh-secret',
        ZALO_OA_API_URL: zalo.url, ZALO_OAUTH_URL: zalo.url,
      }),
    });
  });
  afterEach(async () => {
    await loa.close();
    await graph.stop();
    await zalo.stop();
  });

  it('shows the principal the paused channel with its reason, the failed messages and the alert, which she acknowledges once', async () => {
    const principal = withToken(loa, (await userWithToken(loa, { name: 'Cô Hiệu trưởng', role: 'principal' })).token);
    graph.queue(SEND, { status: 400, body: { error: { code: 190, message: 'Error validating access token' } } });
    expect((await fb.postWebhook(loa.app, fb.textMessage('7001', 'm-1', 'học phí bao nhiêu'))).status).toBe(200);
    await eventually(async () => (await loa.store.outbox.counts()).failed >= 1);

    const channels = await principal.get('/api/admin/channels');
    expect(channels.status).toBe(200);
    expect(channels.body.channels.messenger).toEqual({ on: true, paused: 'page access token invalid or expired' });
    expect(channels.body.channels.zalo_oa.on).toBe(true);
    expect(Date.parse(channels.body.channels.zalo_oa.tokenExpiresAt)).toBeGreaterThan(Date.parse('2026-11-26T00:00:00Z'));
    expect(JSON.stringify(channels.body)).not.toMatch(/zalo-access-secret|zalo-refresh-secret|EAAB/);

    const outbox = await principal.get('/api/admin/outbox?status=failed');
    expect(outbox.status).toBe(200);
    expect(outbox.body.counts.failed).toBeGreaterThanOrEqual(1);
    expect(outbox.body.items[0]).toMatchObject({ status: 'failed', lastError: 'token_invalid', ref: { channel: 'messenger' } });
    expect((await principal.get('/api/admin/outbox?status=lost')).status).toBe(400);

    // Resuming is an admin's step (after the token is fixed); the principal asks them.
    expect((await principal.post('/api/admin/channels/messenger/resume')).status).toBe(403);
    expect((await loa.admin().post('/api/admin/channels/messenger/resume')).status).toBe(200);
    expect((await principal.get('/api/admin/channels')).body.channels.messenger.paused).toBeNull();

    const [alert] = (await principal.get('/api/admin/alerts?open=true')).body.alerts;
    expect(alert).toMatchObject({ kind: 'messenger_token' });
    expect((await principal.post(`/api/admin/alerts/${alert.id}/ack`)).status).toBe(200);
    expect((await principal.get('/api/admin/alerts?open=true')).body.alerts).toEqual([]);
    expect((await principal.post(`/api/admin/alerts/${alert.id}/ack`)).status).toBe(404);
  });

  it('keeps the outbox from staff and viewers', async () => {
    for (const role of ['staff', 'viewer'] as const) {
      const u = withToken(loa, (await userWithToken(loa, { name: `Người ${role}`, role })).token);
      expect((await u.get('/api/admin/outbox')).status).toBe(403);
    }
  });
});

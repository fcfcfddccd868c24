// Finding 7: the log carried urgent comments' texts and unmasked phone numbers; loa.db was
// world-readable and held the Zalo OA tokens in clear; the Messenger page token went in the URL.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SECRETS_KEY, startLoa, tempDir, testConfig } from '../helpers.ts';
import { createLogger, maskPhonesInText } from '../../src/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { createLoa } from '../../src/loa.ts';
import * as zfx from '../fakes/zalo-oa-fixtures.ts';

function capturedLogger() {
  let out = '';
  const stream = new Writable({ write(chunk, _enc, done) { out += chunk; done(); } });
  return { logger: createLogger('info', stream), output: () => out };
}

describe('phone numbers in logs', () => {
  it('are masked however they are written', () => {
    expect(maskPhonesInText('gọi em (091) 234 5678 nhé')).toBe('gọi em 091****678 nhé');
    expect(maskPhonesInText('số (+84) 987654321 ạ')).toBe('số 098****321 ạ');
    expect(maskPhonesInText('0912345678, +84 912 345 678, 0912.345.678')).toBe('091****678, 091****678, 091****678');
    expect(maskPhonesInText('mã PA-0042 ngày 26/11/2026, 3 cháu')).toBe('mã PA-0042 ngày 26/11/2026, 3 cháu');
  });

  it('never appear whole in a log line, in the message or a field', () => {
    const { logger, output } = capturedLogger();
    logger.warn({ contact: 'c1', note: 'call (091) 234 5678' }, 'parent (+84) 987654321 asked');
    expect(output()).not.toMatch(/234 5678|987654321/);
    expect(output()).toContain('091****678');
    expect(output()).toContain('098****321');
  });
});

describe('an urgent comment', () => {
  it('leaves its text and the parent\'s phone number out of the log', async () => {
    const { logger, output } = capturedLogger();
    const loa = await startLoa({ logger });
    try {
      const reply = await loa.say('mẹ-bông', 'Con tôi bị cô giáo đánh chảy máu mũi ở lớp Lá A1, gọi lại cho tôi số (091) 234 5678');
      expect(reply).toMatch(/PA-\d{4}/);
      await loa.store.flush();
    } finally {
      await loa.close();
    }
    expect(output()).toContain('alert raised'); // the alert is logged, by id
    expect(output()).not.toContain('chảy máu');
    expect(output()).not.toContain('đánh');
    expect(output()).not.toMatch(/234 5678|2345678/);
  });
});

describe('the data folder', () => {
  it('is 0700 and its files 0600, even when the folder existed open to all', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const loa = await startLoa({ config: testConfig({ DATA_DIR: dir }) });
    try {
      await loa.say('p', 'xin chào');
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      for (const f of ['loa.db', 'loa.db-wal', 'loa.db-shm']) expect(fs.statSync(path.join(dir, f)).mode & 0o777, f).toBe(0o600);
    } finally {
      await loa.close();
    }
  });
});

describe('channel secrets at rest', () => {
  const zalo = { ZALO_APP_ID: zfx.APP_ID, ZALO_APP_SECRET: zfx.APP_SECRET, ZALO_OA_SECRET_KEY: zfx.OA_SECRET_KEY, ZALO_OA_ACCESS_TOKEN: 'zalo-access-token-in-env', ZALO_OA_REFRESH_TOKEN: 'zalo-refresh-token-in-env' };

  it('are encrypted in loa.db with SECRETS_KEY, and read back', async () => {
    const loa = await startLoa({ config: testConfig(zalo) });
    try {
      await loa.channels.zaloOa!.tokens.current(); // seeds the stored pair from the environment
      await loa.store.flush();
      const db = new Database(path.join(loa.config.DATA_DIR, 'loa.db'), { readonly: true });
      const rows = db.prepare("SELECT value FROM documents WHERE collection = 'channel_state'").all() as { value: string }[];
      db.close();
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(r.value).not.toContain('zalo-access-token-in-env');
        expect(r.value).not.toContain('zalo-refresh-token-in-env');
        expect(r.value).toContain('aes-256-gcm:v1:');
      }
      expect((await loa.store.documents.get<{ accessToken: string }>('channel_state', 'zalo_oa_tokens'))?.accessToken).toBe('zalo-access-token-in-env');
    } finally {
      await loa.close();
    }
  });

  it('need the key: Loa will not start Zalo OA without one, and a wrong key is named', async () => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), ...zalo })).toThrow(/SECRETS_KEY: required with Zalo OA/);
    expect(() => loadConfig({ SECRETS_KEY: 'short' })).toThrow(/SECRETS_KEY must be 32 bytes/);
    const config = testConfig(zalo);
    const first = await createLoa(config, { logger: createLogger('silent') });
    await first.channels.zaloOa!.tokens.current();
    await first.close();
    const wrong = { ...config, SECRETS_KEY: Buffer.alloc(32, 9).toString('base64') };
    expect(SECRETS_KEY).not.toBe(wrong.SECRETS_KEY);
    const second = await createLoa(wrong, { logger: createLogger('silent') });
    try {
      await expect(second.store.documents.get('channel_state', 'zalo_oa_tokens')).rejects.toThrow(/SECRETS_KEY does not open/);
    } finally {
      await second.close();
    }
  });
});

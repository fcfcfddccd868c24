// The command-line scripts, run as a person runs them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { tempDir, ADMIN_TOKEN } from '../helpers.ts';
import { createLoa } from '../../src/loa.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';

const TSX = path.resolve('node_modules/.bin/tsx');
const run = (script: string, args: string[], env: Record<string, string> = {}, input?: string) =>
  spawnSync(TSX, [script, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, input, encoding: 'utf8' });

describe('npm run nlu', () => {
  it('classify: one JSON object per line', () => {
    const r = run('scripts/nlu.ts', ['classify'], {}, 'hoc phi bao nhieu\nWhat is on the menu tomorrow?\nthời tiết hôm nay\n');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.intent, l.language])).toEqual([['fees', 'vi'], ['menu', 'en'], ['none', 'vi']]);
    expect(lines[0]).toMatchObject({ text: 'hoc phi bao nhieu' });
    expect(lines[0].confidence).toBeGreaterThan(0.5);
  });

  it('eval: scores a TSV file', () => {
    const file = path.join(tempDir(), 'set.tsv');
    fs.writeFileSync(file, 'fees\thọc phí bao nhiêu\nmenu\tmai ăn gì\nnone\tgiá vàng hôm nay\n');
    const r = run('scripts/nlu.ts', ['eval', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('messages: 3');
    expect(r.stdout).toContain('accuracy: 100.0%');
    expect(r.stdout).toContain('out-of-scope recall: 100.0%');
  });

  it('refuses a malformed TSV with the line number', () => {
    const file = path.join(tempDir(), 'bad.tsv');
    fs.writeFileSync(file, 'fees\thọc phí\nno tab here\n');
    const r = run('scripts/nlu.ts', ['eval', file]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('line 2: expected "intent<TAB>text"');
  });
});

describe('npm run users and npm run intents', () => {
  it('creates a user with a set-up link, prints a personal token once, and round-trips intents', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, PUBLIC_URL: 'https://loa.hoasen.test' };
    const added = run('scripts/users.ts', ['add', 'cohoa', '--name', 'Cô Hòa', '--role', 'principal'], env);
    expect(added.status, added.stderr).toBe(0);
    const link = /(https:\/\/loa\.hoasen\.test\/admin\/setup\/\S+)/.exec(added.stdout)?.[1];
    expect(link).toBeDefined();
    expect(run('scripts/users.ts', ['list'], env).stdout).toMatch(/cohoa\s+principal\s+Cô Hòa/);
    expect(run('scripts/users.ts', ['add', 'x-user', '--role', 'king'], env).status).toBe(2);
    expect(run('scripts/users.ts', ['add', 'cohoa', '--role', 'staff'], env).stderr).toMatch(/taken/);
    const printed = run('scripts/users.ts', ['token', 'cohoa', '--name', 'báo cáo'], env);
    expect(printed.status, printed.stderr).toBe(0);
    const token = /^(loa_\S+)$/m.exec(printed.stdout)?.[1];
    expect(token).toMatch(/^loa_/);
    expect(run('scripts/users.ts', ['token', 'nobody'], env).status).toBe(2);

    const loa = await createLoa(loadConfig({ DATA_DIR: dataDir, ADMIN_TOKEN, LOG_LEVEL: 'silent' }), { logger: silentLogger() });
    const me = await request(loa.app).get('/api/admin/me').set('authorization', `Bearer ${token}`);
    expect(me.body.user).toMatchObject({ name: 'Cô Hòa', role: 'principal', username: 'cohoa' });
    // The printed link works once, on the server.
    const setup = await request(loa.app).post(`/api/auth/setup/${link!.split('/').pop()}`).send({ password: 'Sen-hong-12' });
    expect(setup.status).toBe(200);
    await loa.nlu.saveIntent({ ...loa.nlu.getIntent('thanks')!, description: 'edited in the admin API' });
    await loa.close();

    const out = tempDir();
    const exported = run('scripts/intents.ts', ['export', out], env);
    expect(exported.status, exported.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'thanks.yaml'), 'utf8')).toContain('edited in the admin API');
    expect(fs.readFileSync(path.join(out, 'thanks.yaml'), 'utf8')).not.toMatch(/^(version|enabled):/m);

    const broken = tempDir();
    fs.writeFileSync(path.join(broken, 'x.yaml'), 'id: x\nutterances: {}\n');
    const refused = run('scripts/intents.ts', ['import', broken], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/nothing imported: .*x\.yaml/);
    expect(run('scripts/intents.ts', ['import', out], env).stdout).toMatch(/Imported 20 intents/);
  }, 90_000); // a dozen tsx processes, each starting in about a second on a busy machine
});

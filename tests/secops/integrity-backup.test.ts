// Finding 6: a store with corrupted pages started and said ready; there were no backups. Now the
// store is checked at start, `npm run backup` copies it while Loa runs, `npm run restore` puts a
// copy back, and a nightly job keeps BACKUP_KEEP copies. Every copy is restored and read.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startLoa, tempDir, testConfig } from '../helpers.ts';
import { cli, postJson, spawnLoa, waitReady, AS_TRUSTED_CALLER } from './process.ts';


async function storeWithChats(n: number): Promise<string> {
  const loa = await startLoa({ config: testConfig() });
  for (let i = 0; i < n; i++) await loa.say(`parent-${i}`, `học phí bao nhiêu ạ ${i}`);
  await loa.close();
  return loa.config.DATA_DIR;
}

describe('integrity at start', () => {
  it('refuses to serve a store with corrupted pages, with a message saying how to restore', async () => {
    const dataDir = await storeWithChats(20);
    const file = path.join(dataDir, 'loa.db');
    const db = new Database(file);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'transcript'").get() as { rootpage: number }).rootpage;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (root - 1) * pageSize);
    fs.closeSync(fd);

    const loa = await spawnLoa({ DATA_DIR: dataDir });
    const code = await loa.exited;
    expect(code).toBe(3);
    expect(loa.output()).toContain('is corrupted');
    expect(loa.output()).toContain('npm run restore');
  });
});

describe('npm run backup and npm run restore', () => {
  it('copies the store while Loa runs under load; the restored copy starts and reads', async () => {
    const dataDir = tempDir();
    const loa = await spawnLoa({ DATA_DIR: dataDir, ADMIN_TOKEN });
    let answered = 0;
    let stop = false;
    try {
      await waitReady(loa);
      for (let i = 0; i < 20; i++) if ((await postJson(`${loa.url}/api/chat`, { user: `before-${i}`, text: 'xin chào' }, AS_TRUSTED_CALLER)).status === 200) answered++;
      // Parents keep writing while the backup runs.
      const load = (async () => {
        let i = 0;
        while (!stop) {
          const batch = await Promise.all(Array.from({ length: 8 }, () => postJson(`${loa.url}/api/chat`, { user: `during-${i++}`, text: 'học phí bao nhiêu' }, AS_TRUSTED_CALLER)));
          expect(batch.every((r) => r.status === 200)).toBe(true);
        }
      })();
      await new Promise((r) => setTimeout(r, 200));
      const backup = await cli('scripts/backup.ts', [], { DATA_DIR: dataDir });
      stop = true;
      await load;
      expect(backup.status, backup.out).toBe(0);
      expect(backup.out).toMatch(/Backup written: .*loa-.*Z\.db/);
      const backups = fs.readdirSync(path.join(dataDir, 'backups'));
      expect(backups).toHaveLength(1);
      const copy = path.join(dataDir, 'backups', backups[0]);
      expect(fs.statSync(copy).mode & 0o777).toBe(0o600);

      // Restore into a fresh folder (with a store already there, kept aside) and read it back.
      const restoreDir = await storeWithChats(1);
      const restored = await cli('scripts/restore.ts', [copy], { DATA_DIR: restoreDir });
      expect(restored.status, restored.out).toBe(0);
      expect(fs.readdirSync(restoreDir).some((f) => f.startsWith('loa.db.before-restore-'))).toBe(true);
      const again = await startLoa({ config: testConfig({ DATA_DIR: restoreDir }) });
      try {
        const turns = await again.store.transcript.list({ limit: 100_000 });
        const users = new Set(turns.map((t) => t.conversationKey.split(':').pop()));
        for (let i = 0; i < answered; i++) expect(users.has(`before-${i}`)).toBe(true);
        expect(users.has('parent-0')).toBe(false); // the store that was there before is not mixed in
        expect(await again.say('after-restore', 'xin chào')).toMatch(/^Xin chào/);
      } finally {
        await again.close();
      }
    } finally {
      stop = true;
      loa.child.kill('SIGTERM');
      await loa.exited;
    }
  }, 60_000);

  it('refuses to restore a file that is not a sound store', async () => {
    const dataDir = await storeWithChats(1);
    const junk = path.join(tempDir(), 'junk.db');
    fs.writeFileSync(junk, 'not a database at all'.repeat(300));
    const r = await cli('scripts/restore.ts', [junk], { DATA_DIR: dataDir });
    expect(r.status).toBe(2);
    expect(r.out).toContain('Restore failed');
    expect(fs.readdirSync(dataDir).some((f) => f.startsWith('loa.db.before-restore-'))).toBe(false);
  });
});

describe('the nightly backup job', () => {
  it('writes a checked copy each night and keeps BACKUP_KEEP of them', async () => {
    const loa = await startLoa({ config: testConfig({ BACKUP_KEEP: '2' }) });
    try {
      await loa.say('p1', 'xin chào');
      const job = loa.jobs.find((j) => j.name === 'nightly-backup')!;
      expect(job.cron).toBe('30 2 * * *');
      for (const day of ['2026-11-26', '2026-11-27', '2026-11-28']) {
        loa.clockAt(`${day}T19:30:00Z`);
        await job.run();
      }
      const dir = path.join(loa.config.DATA_DIR, 'backups');
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual(['loa-2026-11-27T19-30-00Z.db', 'loa-2026-11-28T19-30-00Z.db']);
      const db = new Database(path.join(dir, files[1]), { readonly: true });
      expect((db.prepare('SELECT COUNT(*) AS n FROM transcript').get() as { n: number }).n).toBe(1);
      db.close();
    } finally {
      await loa.close();
    }
  });
});

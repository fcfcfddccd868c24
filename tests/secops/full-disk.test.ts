// Finding 4: a full disk made the group commit throw inside its timer and the process exit. On a
// real full filesystem (a small tmpfs) Loa now answers 503, says not ready, keeps running, and
// serves again once space is back, with an alert for the admins.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, tempDir } from '../helpers.ts';
import { postJson, spawnLoa, waitReady } from './process.ts';

function mountTmpfs(sizeMb: number): string | null {
  const dir = tempDir('loa-fulldisk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    return null; // not root, or no mount in this sandbox
  }
}

/** Writes until the filesystem refuses; returns the filler's path. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  try {
    for (;;) fs.writeSync(fd, chunk.subarray(0, 512));
  } catch { /* every last block */ }
  fs.closeSync(fd);
  return filler;
}

const mount = mountTmpfs(12);

describe.skipIf(!mount)('a full disk (real tmpfs)', () => {
  const dir = mount!;
  afterAll(() => {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } catch { /* already gone */ }
  });
  beforeAll(() => {
    fs.mkdirSync(path.join(dir, 'data'));
  });

  it('answers 503 and not ready while full, never exits, and serves again once space is back', async () => {
    const loa = await spawnLoa({ DATA_DIR: path.join(dir, 'data'), ADMIN_TOKEN, DISK_FREE_ALERT_MB: '3', DISK_CHECK_INTERVAL_MS: '100' });
    try {
      await waitReady(loa);
      expect((await postJson(`${loa.url}/api/chat`, { user: 'before', text: 'xin chào' })).status).toBe(200);
      const filler = fillDisk(dir);
      const statuses: number[] = [];
      let notReadySeen = false;
      const letter = 'Con em bị ngã ở sân trường, cô xem giúp em. '.repeat(100);
      for (let i = 0; i < 300 && loa.alive(); i++) {
        const res = await postJson(`${loa.url}/api/chat`, { user: `parent-${i}`, text: `${letter} ${i}` });
        statuses.push(res.status);
        if (res.status === 503) {
          expect(res.body.error.code).toBe('store_unavailable');
          if ((await fetch(`${loa.url}/readyz`)).status === 503) notReadySeen = true;
          if (statuses.filter((s) => s === 503).length >= 5) break;
        }
      }
      expect(loa.alive()).toBe(true);
      expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
      expect(statuses).toContain(503);
      expect(notReadySeen).toBe(true);

      fs.rmSync(filler);
      const until = Date.now() + 20_000;
      while ((await fetch(`${loa.url}/readyz`)).status !== 200) {
        if (Date.now() > until) throw new Error(`not ready again:\n${loa.output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const after = await postJson(`${loa.url}/api/chat`, { user: 'after', text: 'học phí bao nhiêu' });
      expect(after.status).toBe(200);
      expect(after.body.replies[0].text).toContain('Học phí');
      const alerts = await (await fetch(`${loa.url}/api/admin/alerts`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json() as any;
      const kinds = (alerts.alerts ?? alerts).map((a: { kind: string }) => a.kind);
      expect(kinds).toContain('store_write_failed');
      expect(loa.output()).toContain('disk almost full');
      expect(loa.alive()).toBe(true);
      // Nothing answered 200 was lost: every such message is in the transcript.
      loa.child.kill('SIGTERM');
      expect(await loa.exited).toBe(0);
      const db = new Database(path.join(dir, 'data', 'loa.db'), { readonly: true });
      const keys = new Set((db.prepare('SELECT conversation_key AS k FROM transcript').all() as { k: string }[]).map((r) => r.k.split(':').pop()));
      db.close();
      statuses.forEach((s, i) => { if (s === 200) expect(keys.has(`parent-${i}`), `parent-${i}`).toBe(true); });
    } finally {
      if (loa.alive()) loa.child.kill('SIGTERM');
      await loa.exited;
    }
  }, 90_000);
});

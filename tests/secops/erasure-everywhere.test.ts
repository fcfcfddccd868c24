// Erasure reaches every copy of a parent's words: alerts that quote them (an urgent comment, a
// request for a person) and the copies of those alerts sent to staff on chat, the web chat's
// history, and the backups (a copy taken before the erasure, restored, does not bring them back;
// backups older than BACKUP_MAX_DAYS are removed).
import fs from 'node:fs';
import path from 'node:path';
import { cli } from './process.ts';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startLoa, tempDir, testConfig, type TestLoa } from '../helpers.ts';
import { conversationKey } from '../../src/core/messages.ts';
import { backupFileName, backupStore, pruneBackups } from '../../src/store/sqlite/backup.ts';
import { contactHash, LEDGER_FILE } from '../../src/features/privacy/erasure-ledger.ts';

const webRef = (user: string) => ({ channel: 'webchat' as const, accountId: 'web', userId: user, threadId: user, threadType: 'user' as const });
const CANARY = 'Qwzyx';
const PARENT = 'parent-canary-77';

/** Every cell of every table that holds `needle`, as "table.column". */
function cellsHolding(file: string, needle: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const found: string[] = [];
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    for (const t of tables) {
      for (const row of db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]) {
        for (const [col, v] of Object.entries(row)) if (typeof v === 'string' && v.includes(needle)) found.push(`${t}.${col}`);
      }
    }
    return [...new Set(found)];
  } finally {
    db.close();
  }
}

async function linkPrincipal(loa: TestLoa): Promise<void> {
  const principal = (await loa.store.users.create({ username: 'cohieutruong', name: 'Cô Hiệu trưởng', role: 'principal', classIds: [] }, '2026-11-26T00:00:00.000Z'))!;
  const ref = { channel: 'messenger' as const, accountId: 'page-1', userId: 'staff-psid', threadId: 'staff-psid', threadType: 'user' as const };
  await loa.store.staffLinks.link(principal.id, ref, conversationKey(ref), '2026-11-26T00:00:00.000Z');
  await loa.store.flush();
}

describe('erasure everywhere', () => {
  it('leaves none of the parent\'s words, name or chat id in any table: alerts quoting them and their copies to staff included', async () => {
    const loa = await startLoa();
    try {
      await linkPrincipal(loa);
      // An urgent report and a request for a person, each raising an alert that quotes the parent.
      await loa.chat(PARENT, `Cô ơi con em bị bạn đánh chảy máu đầu ở lớp, ${CANARY} ạ`, { name: 'Mẹ Canary' });
      await loa.chat(PARENT, 'dạ vâng');
      await loa.chat(PARENT, `cho tôi gặp cán bộ nhà trường, chuyện ${CANARY}`);
      // Another parent's alert stays as it was.
      await loa.chat('other-parent', 'Cô ơi con em bị ngã chảy máu ở sân trường, Zorbl ạ');
      await loa.store.flush();
      const quoting = (await loa.store.alerts.list()).filter((a) => a.message.includes(CANARY));
      expect(quoting.map((a) => a.kind).sort()).toEqual(['human_agent', 'urgent_comment']);
      const file = path.join(loa.config.DATA_DIR, 'loa.db');
      expect(cellsHolding(file, CANARY)).toEqual(expect.arrayContaining(['alerts.message', 'message_texts.body']));

      const contact = (await loa.store.contacts.findByRef(webRef(PARENT)))!;
      const res = await loa.admin().delete(`/api/admin/contacts/${contact.id}`);
      expect(res.status).toBe(200);
      expect(res.body.counts).toMatchObject({ alerts: 2 });
      await loa.store.flush();

      expect(cellsHolding(file, CANARY)).toEqual([]);
      expect(cellsHolding(file, 'Mẹ Canary')).toEqual([]);
      // The chat id stays only where de-duplication needs it (the inbox's message ids, until retention).
      expect(cellsHolding(file, PARENT).filter((c) => c !== 'inbox.message_id')).toEqual([]);
      // The alerts are still there, saying what happened, without the parent's words.
      const after = (await loa.store.alerts.list()).filter((a) => a.kind === 'urgent_comment');
      expect(after).toHaveLength(2);
      expect(after.some((a) => a.message.includes('Zorbl'))).toBe(true);
      expect(after.find((a) => !a.message.includes('Zorbl'))?.message).toContain('[đã xoá / erased]');
    } finally {
      await loa.close();
    }
  });
});


describe('erasure and backups', () => {
  it('a copy taken before an erasure, put back by npm run restore or by hand, does not bring the parent back', async () => {
    const loa = await startLoa({ config: testConfig() });
    const dataDir = loa.config.DATA_DIR;
    const live = path.join(dataDir, 'loa.db');
    const backup = path.join(tempDir(), 'before.db');
    let contactId: string;
    try {
      await loa.chat(PARENT, `học phí bao nhiêu ạ ${CANARY}`);
      await loa.chat('stays', 'mấy giờ đón con');
      await loa.store.flush();
      await backupStore(live, backup);
      contactId = (await loa.store.contacts.findByRef(webRef(PARENT)))!.id;
      expect((await loa.admin().delete(`/api/admin/contacts/${contactId}`)).status).toBe(200);
    } finally {
      await loa.close();
    }
    // The ledger: hashes of random ids, beside the store and beside the backups.
    for (const dir of [dataDir, path.join(dataDir, 'backups')]) {
      const ledger = fs.readFileSync(path.join(dir, LEDGER_FILE), 'utf8');
      expect(ledger).toContain(contactHash(contactId));
      expect(ledger).not.toContain(contactId);
      expect(fs.statSync(path.join(dir, LEDGER_FILE)).mode & 0o777).toBe(0o600);
    }
    expect(cellsHolding(backup, CANARY).length).toBeGreaterThan(0); // the copy predates the erasure

    const restored = await cli('scripts/restore.ts', [backup], { DATA_DIR: dataDir });
    expect(restored.status, restored.out).toBe(0);
    expect(restored.out).toContain('1 parent(s) erased since the copy was made were erased again');
    expect(cellsHolding(live, CANARY)).toEqual([]);

    // Copied back by hand (no restore command): Loa erases them again at start.
    fs.rmSync(`${live}-wal`, { force: true });
    fs.rmSync(`${live}-shm`, { force: true });
    fs.copyFileSync(backup, live);
    expect(cellsHolding(live, CANARY).length).toBeGreaterThan(0);
    const again = await startLoa({ config: testConfig({ DATA_DIR: dataDir }) });
    try {
      expect(await again.store.contacts.findByRef(webRef(PARENT))).toBeNull();
      expect((await again.store.transcript.list()).map((t) => t.conversationKey)).toEqual([conversationKey(webRef('stays'))]);
    } finally {
      await again.close();
    }
    expect(cellsHolding(live, CANARY)).toEqual([]);
  }, 60_000);

  it('keeps no backup older than BACKUP_MAX_DAYS, whatever BACKUP_KEEP says', () => {
    const dir = tempDir();
    const now = new Date('2026-12-01T00:00:00Z');
    const days = [40, 31, 29, 2, 1];
    for (const d of days) fs.writeFileSync(path.join(dir, backupFileName(new Date(now.getTime() - d * 86_400_000))), '');
    fs.writeFileSync(path.join(dir, 'notes.txt'), '');
    expect(pruneBackups(dir, 10, 30, now)).toHaveLength(2);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.db'))).toHaveLength(3);
    expect(pruneBackups(dir, 2, 0, now)).toHaveLength(1); // BACKUP_KEEP still applies
    expect(fs.readdirSync(dir).sort()).toEqual([backupFileName(new Date(now.getTime() - 2 * 86_400_000)), backupFileName(new Date(now.getTime() - 86_400_000)), 'notes.txt'].sort());
  });
});

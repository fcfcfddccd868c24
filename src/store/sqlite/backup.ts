// Integrity checks and backups of the SQLite file. A backup is SQLite's online backup from a
// read-only connection of its own, copied in one step (one consistent snapshot, so a busy Loa
// writing meanwhile never makes it start over), then checked before it counts.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** What PRAGMA quick_check found wrong (at most `limit` lines); empty when the file is sound. */
export function integrityProblems(db: Database.Database, limit = 5): string[] {
  const rows = db.pragma(`quick_check(${limit})`) as { quick_check: string }[];
  return rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
}

/** loa-2026-11-26T02-00-00Z.db: sorts by time, safe in every file system. */
export function backupFileName(at: Date): string {
  return `loa-${at.toISOString().slice(0, 19).replace(/:/g, '-')}Z.db`;
}

export class BackupError extends Error {}

/** Copies the live store at `source` to `target` while Loa may be running; checks the copy. */
export async function backupStore(source: string, target: string): Promise<{ file: string; bytes: number }> {
  if (!fs.existsSync(source)) throw new BackupError(`no store at ${source}`);
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const partial = `${target}.partial`;
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    // All pages in one step: one read snapshot, never restarted by the writes of a running Loa.
    await db.backup(partial, { progress: () => 1_000_000_000 });
  } finally {
    db.close();
  }
  fs.chmodSync(partial, 0o600);
  // A plain file, not WAL (no -wal or -shm beside it): one file to keep, copy and restore.
  const copy = new Database(partial);
  let problems: string[];
  try {
    copy.pragma('journal_mode = DELETE');
    problems = integrityProblems(copy);
  } finally {
    copy.close();
  }
  if (problems.length) {
    fs.rmSync(partial, { force: true });
    throw new BackupError(`the copy failed its check: ${problems.join('; ')}`);
  }
  fs.renameSync(partial, target);
  return { file: target, bytes: fs.statSync(target).size };
}

/** quick_check of a database file, opened read-only. */
export function checkFile(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return integrityProblems(db);
  } catch (err) {
    return [(err as Error).message];
  } finally {
    db.close();
  }
}

/** When a backup was taken, from its name; null for a name of another shape. */
function backupTime(name: string): number | null {
  const m = /^loa-(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)Z\.db$/.exec(name);
  return m ? Date.parse(`${m[1]}:${m[2]}:${m[3]}Z`) : null;
}

/**
 * Keeps the `keep` newest backups in `dir` (by name, which sorts by time), none older than
 * `maxDays` (0: no age limit): an erased parent stays in a backup at most that long. Returns those removed.
 */
export function pruneBackups(dir: string, keep: number, maxDays = 0, now = new Date()): string[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir).filter((f) => /^loa-.*Z\.db$/.test(f)).sort();
  const tooOld = (f: string) => maxDays > 0 && (backupTime(f) ?? Infinity) < now.getTime() - maxDays * 86_400_000;
  const old = files.filter((f, i) => i < files.length - keep || tooOld(f));
  for (const f of old) fs.rmSync(path.join(dir, f), { force: true });
  return old;
}

/**
 * Puts a backup in place of the live store (Loa must be stopped). The current files are kept
 * beside it (loa.db.before-restore-…), WAL and shared memory included: a WAL left next to the
 * restored file would be replayed into it.
 */
export function restoreStore(backup: string, live: string, at = new Date()): { keptAs: string | null } {
  const problems = checkFile(backup);
  if (problems.length) throw new BackupError(`${backup} is not a sound SQLite file: ${problems.join('; ')}`);
  fs.mkdirSync(path.dirname(live), { recursive: true, mode: 0o700 });
  let keptAs: string | null = null;
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '-');
  for (const suffix of ['', '-wal', '-shm']) {
    if (!fs.existsSync(live + suffix)) continue;
    const aside = `${live}.before-restore-${stamp}${suffix}`;
    fs.renameSync(live + suffix, aside);
    if (suffix === '') keptAs = aside;
  }
  fs.copyFileSync(backup, `${live}.partial`);
  fs.chmodSync(`${live}.partial`, 0o600);
  fs.renameSync(`${live}.partial`, live);
  return { keptAs };
}

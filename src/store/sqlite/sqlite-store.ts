import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../types.ts';
import { StoreUnavailableError } from '../store-errors.ts';
import { storeHealth } from './store-health.ts';
import { integrityProblems } from './backup.ts';
import { privacyRepository } from './privacy-repositories.ts';
import { MIGRATIONS } from './migrations.ts';
import type { SqliteContext } from './sql.ts';
import { absencesRepository, commentsRepository, staffLinksRepository } from './comment-repositories.ts';
import { auditRepository, documentsRepository, leasesRepository, usersRepository } from './admin-repositories.ts';
import { broadcastsRepository, deliveriesRepository, subscriptionsRepository } from './broadcast-repositories.ts';
import { contactsRepository, inboxRepository, sessionsRepository, transcriptRepository } from './conversation-repositories.ts';
import { alertsRepository, outboxRepository } from './outbox-repositories.ts';
import { webchatMessagesRepository } from './webchat-repositories.ts';
import { apiTokensRepository, loginFailuresRepository, setupLinksRepository, staffSessionsRepository } from './account-repositories.ts';

export class StoreOpenError extends Error {}

/** How long a group of writes may gather before its commit: far below any platform's patience. */
const GROUP_COMMIT_MS = 4;

/** Opens (creating if needed) the SQLite file, in WAL mode, and brings its schema up to date. */
export function openSqliteStore(file: string): Store {
  let db: Database.Database;
  try {
    if (file !== ':memory:') keepPrivate(file);
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    refuseCorrupted(db, file);
    migrate(db);
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    if (/^SQLITE_(CORRUPT|NOTADB)/.test(String((err as { code?: unknown }).code))) throw corrupted(file, [(err as Error).message]);
    throw new StoreOpenError(`Cannot open the SQLite store at ${path.resolve(file)}: ${(err as Error).message}`);
  }
  return sqliteStore(db);
}

/**
 * The data folder is the owner's alone (0700) and so are its files (0600): parents' messages and
 * children's health notes are in it. SQLite creates the -wal and -shm files with the database
 * file's mode, so the file is made 0600 before SQLite opens it.
 */
function keepPrivate(file: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o1000) === 0) fs.chmodSync(dir, 0o700); // never a shared sticky folder such as /tmp
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
}

/** A store with damaged pages is not served: reads would fail later, mid-conversation. */
function refuseCorrupted(db: Database.Database, file: string): void {
  if (file === ':memory:') return;
  let problems: string[];
  try {
    problems = integrityProblems(db).map((p) => `PRAGMA quick_check: ${p}`);
  } catch (err) {
    problems = [(err as Error).message];
  }
  if (!problems.length) return;
  db.close();
  throw corrupted(file, problems);
}

function corrupted(file: string, problems: string[]): StoreOpenError {
  return new StoreOpenError(`The SQLite store at ${path.resolve(file)} is corrupted (${problems.join('; ')}). `
    + 'Loa will not serve from it. Restore the latest backup with `npm run restore -- <backup file>` '
    + `(backups are in ${path.resolve(path.dirname(file), 'backups')} unless BACKUP_DIR says otherwise).`);
}

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}

function sqliteStore(db: Database.Database): Store {
  // Statements are prepared once and reused: preparing is the costliest part of a small query.
  const statements = new Map<string, Database.Statement>();
  const stmt = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };

  // Group commit: the writes of the next few milliseconds share one transaction. One commit per
  // burst instead of one per statement is what lets a turn with eight small writes stay well under
  // a millisecond, and under load a commit costs about as much for forty messages as for two.
  // Whoever promises durability to the outside (a webhook's 200, a message marked "sending")
  // awaits flush(), which resolves once the group is on disk, or rejects when it could not be
  // written (full disk, I/O error): the group is rolled back and those waiting answer 503.
  let timer: NodeJS.Timeout | null = null;
  let groupOpen = false;
  let committed: { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } | null = null;
  const health = storeHealth(db);
  /** The open group ends: resolved for those waiting when it is on disk, rejected when lost. */
  const endGroup = (error: Error | null) => {
    if (timer) clearTimeout(timer);
    timer = null;
    groupOpen = false;
    const waiting = committed;
    committed = null;
    if (error) {
      health.failed(error);
      waiting?.reject(new StoreUnavailableError(error.message));
    } else {
      waiting?.resolve();
    }
  };
  const commit = () => {
    if (!groupOpen) return endGroup(null);
    if (!db.open) return endGroup(new Error('the store is closed'));
    // A statement that failed (SQLITE_FULL, I/O) may have rolled the transaction back already.
    if (!db.inTransaction) return endGroup(new Error('a write failed and its group was rolled back'));
    try {
      db.exec('COMMIT');
    } catch (err) {
      // Never thrown from the timer (that would end the process): rolled back and reported instead.
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch { /* the rollback of a failed commit may fail too; the connection stays usable */ }
      return endGroup(err as Error);
    }
    endGroup(null);
    health.succeeded();
  };
  const beginGroup = () => {
    if (db.inTransaction) return;
    // The group began and its transaction is gone: a failed statement rolled it back.
    if (groupOpen) endGroup(new Error('a write failed and its group was rolled back'));
    db.exec('BEGIN IMMEDIATE');
    groupOpen = true;
    timer = setTimeout(commit, GROUP_COMMIT_MS);
  };
  /** Resolves once the open group is committed; everyone flushing in the same tick shares one commit. */
  const flush = (): Promise<void> => {
    if (!groupOpen) return Promise.resolve();
    if (!committed) {
      let resolve!: () => void;
      let reject!: (err: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // Nobody may be waiting any more when a group fails: no unhandled rejection then.
      promise.catch(() => undefined);
      committed = { promise, resolve, reject };
    }
    return committed.promise;
  };
  /** A statement that writes: it joins the open group transaction. */
  const w = (sql: string) => {
    beginGroup();
    return stmt(sql);
  };
  const c: SqliteContext = { db, stmt, w, beginGroup };
  return {
    backend: 'sqlite',
    privacy: privacyRepository(c),
    sessions: sessionsRepository(c),
    contacts: contactsRepository(c),
    inbox: inboxRepository(c),
    transcript: transcriptRepository(c),
    users: usersRepository(c),
    apiTokens: apiTokensRepository(c),
    staffSessions: staffSessionsRepository(c),
    setupLinks: setupLinksRepository(c),
    loginFailures: loginFailuresRepository(c),
    audit: auditRepository(c),
    documents: documentsRepository(c),
    leases: leasesRepository(c),
    outbox: outboxRepository(c),
    alerts: alertsRepository(c),
    comments: commentsRepository(c),
    absences: absencesRepository(c),
    staffLinks: staffLinksRepository(c),
    subscriptions: subscriptionsRepository(c),
    broadcasts: broadcastsRepository(c),
    deliveries: deliveriesRepository(c),
    webchatMessages: webchatMessagesRepository(c),

    async ping() {
      try {
        stmt('SELECT 1').get();
        return health.writable();
      } catch {
        return false;
      }
    },
    onHealthChange: health.listen,
    flush,
    async close() {
      if (!db.open) return;
      commit();
      health.stop();
      db.close();
    },
  };
}


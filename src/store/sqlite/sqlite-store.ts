import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../types.ts';
import { MIGRATIONS } from './migrations.ts';
import type { SqliteContext } from './sql.ts';
import { absencesRepository, commentsRepository, staffLinksRepository } from './comment-repositories.ts';
import { auditRepository, documentsRepository, leasesRepository, usersRepository } from './admin-repositories.ts';
import { broadcastsRepository, deliveriesRepository, subscriptionsRepository } from './broadcast-repositories.ts';
import { contactsRepository, inboxRepository, sessionsRepository, transcriptRepository } from './conversation-repositories.ts';
import { alertsRepository, outboxRepository } from './outbox-repositories.ts';
import { apiTokensRepository, loginFailuresRepository, setupLinksRepository, staffSessionsRepository } from './account-repositories.ts';

export class StoreOpenError extends Error {}

/** How long a group of writes may gather before its commit: far below any platform's patience. */
const GROUP_COMMIT_MS = 4;

/** Opens (creating if needed) the SQLite file, in WAL mode, and brings its schema up to date. */
export function openSqliteStore(file: string): Store {
  let db: Database.Database;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    throw new StoreOpenError(`Cannot open the SQLite store at ${path.resolve(file)}: ${(err as Error).message}`);
  }
  return sqliteStore(db);
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
  // awaits flush(), which resolves once the group is on disk.
  let timer: NodeJS.Timeout | null = null;
  let committed: { promise: Promise<void>; resolve: () => void } | null = null;
  const commit = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const waiting = committed;
    committed = null;
    if (db.open && db.inTransaction) db.exec('COMMIT');
    waiting?.resolve();
  };
  const beginGroup = () => {
    if (db.inTransaction) return;
    db.exec('BEGIN IMMEDIATE');
    timer = setTimeout(commit, GROUP_COMMIT_MS);
  };
  /** Resolves once the open group is committed; everyone flushing in the same tick shares one commit. */
  const flush = (): Promise<void> => {
    if (!db.inTransaction) return Promise.resolve();
    if (!committed) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      committed = { promise, resolve };
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

    async ping() {
      try {
        stmt('SELECT 1').get();
        return true;
      } catch {
        return false;
      }
    },
    flush,
    async close() {
      if (!db.open) return;
      commit();
      db.close();
    },
  };
}


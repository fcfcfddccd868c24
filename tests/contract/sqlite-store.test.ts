import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, StoreOpenError } from '../../src/store/sqlite/sqlite-store.ts';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { storeContract } from './store-contract.ts';
import { tempDir } from '../helpers.ts';

storeContract('sqlite', async () => openSqliteStore(path.join(tempDir(), 'loa.db')));

describe('sqlite backend', () => {
  it('uses WAL and records the schema version', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const store = openSqliteStore(file);
    await store.close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('keeps data across reopen and does not re-run migrations', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const a = openSqliteStore(file);
    await a.documents.put('c', 'x', { v: 1 }, 'now');
    await a.close();
    const b = openSqliteStore(file);
    expect(await b.documents.get('c', 'x')).toEqual({ v: 1 });
    await b.close();
  });

  it('names the path when the store cannot be opened', () => {
    const blocker = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(blocker, 'a file where a folder should be');
    expect(() => openSqliteStore(path.join(blocker, 'loa.db'))).toThrow(StoreOpenError);
    expect(() => openSqliteStore(path.join(blocker, 'loa.db'))).toThrow(/not-a-dir/);
  });
});

describe('sqlite migration 7 (console sign-in)', () => {
  it('keeps users made before the console, their old token now a personal API token', async () => {
    const file = path.join(tempDir(), 'loa.db');
    const db = new Database(file);
    const before = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE users_v7'));
    for (let v = 0; v < before; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${before}`);
    db.prepare("INSERT INTO users (id, name, role, class_ids, token_hash, created_at) VALUES ('u1', 'Cô Hòa', 'principal', '[]', 'old-hash', '2026-11-01T00:00:00.000Z')").run();
    db.close();
    const store = openSqliteStore(file);
    expect(await store.users.get('u1')).toMatchObject({ name: 'Cô Hòa', username: null, role: 'principal' });
    expect(await store.apiTokens.findByHash('old-hash')).toMatchObject({ userId: 'u1', expiresAt: null });
    await store.close();
  });
});

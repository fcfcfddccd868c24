// Users, the audit log, admin-edited documents, and leases between processes.
import { randomUUID } from 'node:crypto';
import { UsernameTakenError, type AuditEntry, type AuditRepository, type DocumentRepository, type LeaseRepository, type User, type UserRepository } from '../types.ts';
import { json, parse, type Row, type SqliteContext, whereOf } from './sql.ts';

function toUser(r: Row): User {
  return {
    id: r.id, username: r.username ?? null, name: r.name, role: r.role, classIds: parse<string[]>(r.class_ids),
    createdAt: r.created_at, disabled: r.disabled === 1,
  };
}

function toAudit(r: Row): AuditEntry {
  return { id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, details: parse(r.details) };
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export function usersRepository(c: SqliteContext): UserRepository {
  const { stmt, w } = c;
  return {
    async create(u, at) {
      const id = randomUUID();
      try {
        w('INSERT INTO users (id, username, name, role, class_ids, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(id, u.username, u.name, u.role, json(u.classIds), at);
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
      return { id, username: u.username, name: u.name, role: u.role, classIds: u.classIds, createdAt: at, disabled: false };
    },
    async get(id) {
      const r = stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      return r ? toUser(r) : null;
    },
    async getByUsername(username) {
      const r = stmt('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
      return r ? toUser(r) : null;
    },
    async list() {
      return (stmt('SELECT * FROM users ORDER BY created_at, name').all() as Row[]).map(toUser);
    },
    async update(id, patch) {
      const r = stmt('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      if (!r) return null;
      const next = { ...toUser(r), ...patch };
      try {
        w('UPDATE users SET username = ?, name = ?, role = ?, class_ids = ?, disabled = ? WHERE id = ?')
          .run(next.username, next.name, next.role, json(next.classIds), next.disabled ? 1 : 0, id);
      } catch (err) {
        if (isUniqueViolation(err)) throw new UsernameTakenError(`username "${next.username}" is taken`);
        throw err;
      }
      return next;
    },
    async passwordHash(id) {
      const r = stmt('SELECT password_hash FROM users WHERE id = ?').get(id) as Row | undefined;
      return r?.password_hash ?? null;
    },
    async setPasswordHash(id, hash) {
      w('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, id);
    },
  };
}

export function auditRepository(c: SqliteContext): AuditRepository {
  const { stmt, w } = c;
  return {
    async append(e) {
      w('INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)')
        .run(e.at, e.actor, e.action, e.target, json(e.details));
    },
    async list(filter = {}) {
      const { where, args } = whereOf([
        filter.actor && ['(actor = ? OR actor LIKE ?)', filter.actor, `%(${filter.actor})`],
        filter.action && ['action = ?', filter.action],
        filter.target && ['target = ?', filter.target],
        filter.since && ['at >= ?', filter.since],
        filter.until && ['at <= ?', filter.until],
      ]);
      return (stmt(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`).all(...args, filter.limit ?? 200) as Row[]).map(toAudit);
    },
    async actions() {
      return (stmt('SELECT DISTINCT action FROM audit_log ORDER BY action').all() as Row[]).map((r) => r.action as string);
    },
  };
}

export function documentsRepository(c: SqliteContext): DocumentRepository {
  const { stmt, w } = c;
  return {
    async get<T>(collection: string, id: string) {
      const r = stmt('SELECT value FROM documents WHERE collection = ? AND id = ?').get(collection, id) as Row | undefined;
      return r ? parse<T>(r.value) : null;
    },
    async list<T>(collection: string) {
      return (stmt('SELECT id, value, updated_at FROM documents WHERE collection = ? ORDER BY id').all(collection) as Row[])
        .map((r) => ({ id: r.id as string, value: parse<T>(r.value), updatedAt: r.updated_at as string }));
    },
    async put(collection, id, value, at) {
      w(`INSERT INTO documents (collection, id, value, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (collection, id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
        .run(collection, id, json(value), at);
    },
    async delete(collection, id) {
      return w('DELETE FROM documents WHERE collection = ? AND id = ?').run(collection, id).changes === 1;
    },
    async count(collection) {
      return (stmt('SELECT COUNT(*) AS n FROM documents WHERE collection = ?').get(collection) as Row).n as number;
    },
  };
}

export function leasesRepository(c: SqliteContext): LeaseRepository {
  const { w } = c;
  return {
    async acquire(name, holder, ttlMs, now) {
      // One statement: take the lease if it is free, expired, or already ours.
      const info = w(`INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE leases.expires_at <= ? OR leases.holder = excluded.holder`).run(name, holder, now + ttlMs, now);
      return info.changes === 1;
    },
    async release(name, holder) {
      w('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
    },
  };
}

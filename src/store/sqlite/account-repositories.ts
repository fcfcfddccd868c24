// Signing in to the console: personal API tokens, browser sessions, set-up links and the
// sign-in throttle. Secrets are never stored, only their SHA-256 hashes.
import type { ApiToken, ApiTokenRepository, LoginFailureRepository, SetupLinkRepository, StaffSessionRepository } from '../types.ts';
import type { Row, SqliteContext } from './sql.ts';

function toToken(r: Row): ApiToken {
  return { id: r.id, userId: r.user_id, name: r.name, createdAt: r.created_at, expiresAt: r.expires_at ?? null, lastUsedAt: r.last_used_at ?? null };
}

export function apiTokensRepository(c: SqliteContext): ApiTokenRepository {
  const { stmt, w } = c;
  return {
    async create(t, tokenHash) {
      w('INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(t.id, t.userId, t.name, tokenHash, t.createdAt, t.expiresAt);
      return { ...t, lastUsedAt: null };
    },
    async findByHash(hash) {
      const r = stmt('SELECT * FROM api_tokens WHERE token_hash = ?').get(hash) as Row | undefined;
      return r ? toToken(r) : null;
    },
    async touch(id, at) {
      w('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
    },
    async list(userId) {
      return (stmt('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at, id').all(userId) as Row[]).map(toToken);
    },
    async revoke(userId, id) {
      return w('DELETE FROM api_tokens WHERE user_id = ? AND id = ?').run(userId, id).changes === 1;
    },
  };
}

export function staffSessionsRepository(c: SqliteContext): StaffSessionRepository {
  const { stmt, w } = c;
  return {
    async create(idHash, s) {
      w('INSERT INTO staff_sessions (id_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)')
        .run(idHash, s.userId, s.createdAt, s.expiresAt, s.lastSeenAt);
    },
    async get(idHash) {
      const r = stmt('SELECT * FROM staff_sessions WHERE id_hash = ?').get(idHash) as Row | undefined;
      return r ? { userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, lastSeenAt: r.last_seen_at } : null;
    },
    async touch(idHash, lastSeenAt, expiresAt) {
      w('UPDATE staff_sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?').run(lastSeenAt, expiresAt, idHash);
    },
    async delete(idHash) {
      w('DELETE FROM staff_sessions WHERE id_hash = ?').run(idHash);
    },
    async deleteForUser(userId) {
      return w('DELETE FROM staff_sessions WHERE user_id = ?').run(userId).changes;
    },
  };
}

export function setupLinksRepository(c: SqliteContext): SetupLinkRepository {
  const { stmt, w } = c;
  return {
    async create(tokenHash, link) {
      // The newest link is the only one that works: an older one may have gone to the wrong chat.
      w('DELETE FROM setup_links WHERE user_id = ? AND used_at IS NULL').run(link.userId);
      w('INSERT INTO setup_links (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
        .run(tokenHash, link.userId, link.createdAt, link.expiresAt);
    },
    async get(tokenHash) {
      const r = stmt('SELECT * FROM setup_links WHERE token_hash = ?').get(tokenHash) as Row | undefined;
      return r ? { userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at ?? null } : null;
    },
    async use(tokenHash, at) {
      return w('UPDATE setup_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL').run(at, tokenHash).changes === 1;
    },
  };
}

export function loginFailuresRepository(c: SqliteContext): LoginFailureRepository {
  const { stmt, w } = c;
  return {
    async get(username) {
      const r = stmt('SELECT count, last_at FROM login_failures WHERE username = ?').get(username) as Row | undefined;
      return r ? { count: r.count, lastAt: r.last_at } : null;
    },
    async record(username, at) {
      w(`INSERT INTO login_failures (username, count, last_at) VALUES (?, 1, ?)
        ON CONFLICT (username) DO UPDATE SET count = count + 1, last_at = excluded.last_at`).run(username, at);
      const r = stmt('SELECT count, last_at FROM login_failures WHERE username = ?').get(username) as Row;
      return { count: r.count, lastAt: r.last_at };
    },
    async clear(username) {
      w('DELETE FROM login_failures WHERE username = ?').run(username);
    },
  };
}

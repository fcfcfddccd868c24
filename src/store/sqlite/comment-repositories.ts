// Comments with their history, absences, and the staff's linked chat accounts.
import type { Absence, AbsenceRepository, Comment, CommentFilter, CommentRepository, StaffLinkRepository } from '../types.ts';
import { daysTable, inList, json, parse, type Row, type SqliteContext, whereOf } from './sql.ts';

function toComment(r: Row): Comment {
  return {
    id: r.id, code: r.code, createdAt: r.created_at, contactId: r.contact_id, ref: parse(r.ref), displayName: r.display_name,
    classId: r.class_id, text: r.text, category: r.category, sentiment: r.sentiment, severity: r.severity,
    anonymous: r.anonymous === 1, status: r.status, assignedTo: r.assigned_to, firstResponseAt: r.first_response_at,
    dueAt: r.due_at, remindedAt: r.reminded_at, updatedAt: r.updated_at,
  };
}

function toAbsence(r: Row): Absence {
  return { id: r.id, createdAt: r.created_at, contactId: r.contact_id, childName: r.child_name, classId: r.class_id, fromDate: r.from_date, toDate: r.to_date, reason: r.reason, withdrawnAt: r.withdrawn_at ?? null };
}

/** Lower case without diacritics, đ as d: how a search and what it looks through are compared. */
const foldSlowly = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
// SQLite calls this for every comment a search reads: a table of the Latin letters' folds (built
// once by the slow way) makes it a few times faster; other scripts still take the slow way.
const LATIN_END = 0x1f00;
const FOLDED: string[] = Array.from({ length: LATIN_END }, (_, code) => foldSlowly(String.fromCharCode(code)));
export const foldForSearch = (s: unknown): string => {
  if (typeof s !== 'string') return '';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= LATIN_END) return foldSlowly(s);
    out += FOLDED[code];
  }
  return out;
};
const like = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

function commentWhere(f: CommentFilter) {
  const words = f.search ? like(foldForSearch(f.search).trim()) : '';
  return whereOf([
    f.status && ['status = ?', f.status],
    f.statuses && [`status IN (${inList(f.statuses.length)})`, ...f.statuses],
    f.category && ['category = ?', f.category],
    f.sentiment && ['sentiment = ?', f.sentiment],
    f.severity && ['severity = ?', f.severity],
    f.classIds && [`class_id IN (${inList(f.classIds.length)})`, ...f.classIds],
    f.since && ['created_at >= ?', f.since],
    f.until && ['created_at < ?', f.until],
    f.contactId && ['contact_id = ?', f.contactId],
    f.assignedTo !== undefined && (f.assignedTo === null ? ['assigned_to IS NULL'] : ['assigned_to = ?', f.assignedTo]),
    f.unanswered && ['first_response_at IS NULL'],
    f.dueBefore && ['due_at < ?', f.dueBefore],
    f.text && ["text LIKE ? ESCAPE '\\'", like(f.text)],
    words && ["(loa_fold(text) LIKE ? ESCAPE '\\' OR loa_fold(code) LIKE ? ESCAPE '\\' OR (anonymous = 0 AND loa_fold(display_name) LIKE ? ESCAPE '\\'))", words, words, words],
    f.code && ["code LIKE ? ESCAPE '\\'", like(f.code.toUpperCase().trim())],
  ]);
}

export function commentsRepository(c: SqliteContext): CommentRepository {
  const { stmt, w, beginGroup } = c;
  c.db.function('loa_fold', { deterministic: true }, foldForSearch);
  const perDay = (days: string[]) => {
    const { values, args } = daysTable(days);
    return (stmt(`WITH ${values} SELECT COUNT(c.id) AS count, COALESCE(SUM(c.severity = 'urgent'), 0) AS urgent
      FROM d LEFT JOIN comments c ON c.created_at >= d.s AND c.created_at < d.e GROUP BY d.i ORDER BY d.i`).all(...args) as Row[])
      .map((r) => ({ count: r.count, urgent: r.urgent }));
  };
  return {
    async create(c) {
      beginGroup();
      const next = ((stmt('SELECT COALESCE(MAX(id), 0) + 1 AS n FROM comments').get() as Row).n as number);
      const code = `PA-${String(next).padStart(4, '0')}`;
      return toComment(w(`INSERT INTO comments (code, created_at, contact_id, ref, display_name, class_id, text, category, sentiment, severity,
          anonymous, status, assigned_to, first_response_at, due_at, reminded_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`).get(
        code, c.createdAt, c.contactId, c.ref ? json(c.ref) : null, c.displayName, c.classId, c.text, c.category, c.sentiment, c.severity,
        c.anonymous ? 1 : 0, c.status, c.assignedTo, c.firstResponseAt, c.dueAt, c.remindedAt, c.createdAt) as Row);
    },
    async get(id) {
      const r = stmt('SELECT * FROM comments WHERE id = ?').get(id) as Row | undefined;
      return r ? toComment(r) : null;
    },
    async getByCode(code) {
      const r = stmt('SELECT * FROM comments WHERE code = ?').get(code.toUpperCase()) as Row | undefined;
      return r ? toComment(r) : null;
    },
    async list(f = {}) {
      const { where, args } = commentWhere(f);
      return (stmt(`SELECT * FROM comments ${where} ORDER BY id DESC LIMIT ?`).all(...args, f.limit ?? 500) as Row[]).map(toComment);
    },
    async countsFor(days, now) {
      const [since, until] = [days[0], days[days.length - 1]];
      // Counted by SQLite from the comments_report index: a month of 10,000 comments is read
      // without their texts, in one pass for the counts.
      const range = 'created_at >= ? AND created_at < ?';
      const rows = stmt(`SELECT category, sentiment, status, severity, COUNT(*) AS count,
          SUM(first_response_at IS NOT NULL AND first_response_at <= due_at) AS in_time,
          SUM(first_response_at IS NOT NULL OR due_at < ?) AS due_or_answered,
          SUM(first_response_at IS NULL AND due_at < ? AND status != 'closed') AS overdue
        FROM comments WHERE ${range} GROUP BY category, sentiment, status, severity`).all(now, now, since, until) as Row[];
      const sum = (key: string) => rows.reduce((n, r) => n + (r[key] as number), 0);
      return {
        groups: rows.map((r) => ({ category: r.category, sentiment: r.sentiment, status: r.status, severity: r.severity, count: r.count })),
        answeredInTime: sum('in_time'), dueOrAnswered: sum('due_or_answered'), overdue: sum('overdue'),
        hoursToFirstAnswer: stmt(`SELECT (julianday(first_response_at) - julianday(created_at)) * 24 AS h FROM comments
          WHERE ${range} AND first_response_at IS NOT NULL ORDER BY h`).pluck().all(since, until) as number[],
        perDay: perDay(days),
        urgent: (stmt(`SELECT id, code, created_at, category, status, first_response_at, due_at FROM comments
          WHERE ${range} AND severity = 'urgent' ORDER BY id`).all(since, until) as Row[])
          .map((r) => ({ id: r.id, code: r.code, createdAt: r.created_at, category: r.category, status: r.status, firstResponseAt: r.first_response_at, dueAt: r.due_at })),
      };
    },
    async contactIds(f = {}) {
      const { where, args } = commentWhere(f);
      return (stmt(`SELECT DISTINCT contact_id AS id FROM comments ${where ? `${where} AND` : 'WHERE'} contact_id IS NOT NULL`).all(...args) as { id: string }[]).map((r) => r.id);
    },
    async count(f = {}) {
      const { where, args } = commentWhere(f);
      return (stmt(`SELECT count(*) AS n FROM comments ${where}`).get(...args) as { n: number }).n;
    },
    async anyFrom(contactId) {
      return stmt('SELECT 1 FROM comments WHERE contact_id = ? LIMIT 1').get(contactId) !== undefined;
    },
    async update(id, patch, at) {
      const cols: Record<string, string> = { status: 'status', category: 'category', assignedTo: 'assigned_to', firstResponseAt: 'first_response_at', remindedAt: 'reminded_at', text: 'text', severity: 'severity', classId: 'class_id' };
      const keys = Object.keys(patch).filter((k) => k in cols) as (keyof typeof patch)[];
      if (keys.length) {
        w(`UPDATE comments SET ${keys.map((k) => `${cols[k]} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(...keys.map((k) => patch[k] ?? null), at, id);
      }
      const r = stmt('SELECT * FROM comments WHERE id = ?').get(id) as Row | undefined;
      return r ? toComment(r) : null;
    },
    async addEvent(e) {
      w('INSERT INTO comment_events (comment_id, at, actor, kind, details) VALUES (?, ?, ?, ?, ?)').run(e.commentId, e.at, e.actor, e.kind, json(e.details));
    },
    async events(commentId) {
      return (stmt('SELECT * FROM comment_events WHERE comment_id = ? ORDER BY id').all(commentId) as Row[])
        .map((r) => ({ id: r.id, commentId: r.comment_id, at: r.at, actor: r.actor, kind: r.kind, details: parse(r.details) }));
    },
  };
}

export function absencesRepository(c: SqliteContext): AbsenceRepository {
  const { stmt, w } = c;
  return {
    async create(a) {
      return toAbsence(w(`INSERT INTO absences (created_at, contact_id, child_name, class_id, from_date, to_date, reason)
        VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`).get(a.createdAt, a.contactId, a.childName, a.classId, a.fromDate, a.toDate, a.reason) as Row);
    },
    async list({ from, to, classIds }) {
      const byClass = classIds ? ` AND class_id IN (${inList(classIds.length)})` : '';
      return (stmt(`SELECT * FROM absences WHERE from_date <= ? AND to_date >= ? AND withdrawn_at IS NULL${byClass} ORDER BY class_id, child_name`).all(to, from, ...(classIds ?? [])) as Row[]).map(toAbsence);
    },
    async ofContact(contactId, endingFrom) {
      return (stmt('SELECT * FROM absences WHERE contact_id = ? AND to_date >= ? AND withdrawn_at IS NULL ORDER BY id DESC').all(contactId, endingFrom) as Row[]).map(toAbsence);
    },
    async withdraw(id, at) {
      w('UPDATE absences SET withdrawn_at = ? WHERE id = ?').run(at, id);
    },
  };
}

export function staffLinksRepository(c: SqliteContext): StaffLinkRepository {
  const { stmt, w } = c;
  return {
    async createCode(code, userId, expiresAt) {
      w('DELETE FROM link_codes WHERE user_id = ?').run(userId); // one live code per person
      w('INSERT INTO link_codes (code, user_id, expires_at) VALUES (?, ?, ?)').run(code, userId, expiresAt);
    },
    async consumeCode(code, now) {
      const r = w('DELETE FROM link_codes WHERE code = ? RETURNING *').get(code) as Row | undefined;
      return r && r.expires_at > now ? (r.user_id as string) : null;
    },
    async link(userId, ref, key, at) {
      w(`INSERT INTO staff_links (user_id, ref, conversation_key, linked_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (conversation_key) DO UPDATE SET user_id = excluded.user_id, linked_at = excluded.linked_at`).run(userId, json(ref), key, at);
    },
    async forUser(userId) {
      return (stmt('SELECT * FROM staff_links WHERE user_id = ? ORDER BY linked_at').all(userId) as Row[]).map((r) => ({ userId: r.user_id, ref: parse(r.ref), linkedAt: r.linked_at }));
    },
    async byConversation(key) {
      const r = stmt('SELECT * FROM staff_links WHERE conversation_key = ?').get(key) as Row | undefined;
      return r ? { userId: r.user_id, ref: parse(r.ref), linkedAt: r.linked_at } : null;
    },
    async all() {
      return (stmt('SELECT * FROM staff_links ORDER BY linked_at').all() as Row[]).map((r) => ({ userId: r.user_id, ref: parse(r.ref), linkedAt: r.linked_at }));
    },
  };
}

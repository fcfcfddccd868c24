// What every SQLite repository shares: prepared statements, the group transaction, JSON columns.
import type Database from 'better-sqlite3';

export type Row = Record<string, any>;

export interface SqliteContext {
  db: Database.Database;
  /** A prepared statement, prepared once. */
  stmt(sql: string): Database.Statement;
  /** A statement that writes: it joins the open group transaction. */
  w(sql: string): Database.Statement;
  /** Opens the group transaction if none is open (for statements prepared ahead). */
  beginGroup(): void;
}

export const json = (v: unknown) => JSON.stringify(v ?? null);
export const parse = <T>(s: string | null): T => (s == null ? (null as T) : (JSON.parse(s) as T));
export const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** One optional filter: a clause with its arguments, or something falsy when the filter is not set. */
export type Condition = readonly [clause: string, ...args: unknown[]] | false | undefined | null | '' | 0;

/** "WHERE a = ? AND b = ?" and its arguments, from the filters that are set ('' when none are). */
export function whereOf(conditions: Condition[]): { where: string; args: unknown[] } {
  const set = conditions.filter((c): c is readonly [string, ...unknown[]] => Array.isArray(c));
  return { where: set.length ? `WHERE ${set.map((c) => c[0]).join(' AND ')}` : '', args: set.flatMap((c) => c.slice(1)) };
}

/** The days of a period as a table d(i, s, e) for a WITH clause: day i runs from s (inclusive) to e.
 *  Counting per day in SQLite reads an index, where a list of instants would cross into JavaScript. */
export function daysTable(days: string[]): { values: string; args: string[] } {
  const n = days.length - 1;
  return {
    values: `d(i, s, e) AS (VALUES ${Array.from({ length: n }, (_, i) => `(${i}, ?, ?)`).join(', ')})`,
    args: days.slice(0, -1).flatMap((s, i) => [s, days[i + 1]]),
  };
}

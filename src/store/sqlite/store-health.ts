// Whether the SQLite store can write. After a failed commit the store reports not ready and a
// probe write is retried with back-off until one lands; then those listening are told (Loa
// raises an alert and re-reads events whose processing was rolled back).
import type Database from 'better-sqlite3';
import type { StoreHealthChange } from '../types.ts';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

export function storeHealth(db: Database.Database) {
  let downSince: number | null = null;
  let retry: NodeJS.Timeout | null = null;
  let delay = FIRST_RETRY_MS;
  const listeners: ((c: StoreHealthChange) => void)[] = [];
  const tell = (c: StoreHealthChange) => {
    for (const l of listeners) {
      try {
        l(c);
      } catch { /* a listener's failure is its own */ }
    }
  };

  /** A small real write, in a transaction of its own, when no group is open. */
  const probe = () => {
    retry = null;
    if (!db.open || downSince === null) return;
    if (!db.inTransaction) {
      try {
        db.exec('BEGIN IMMEDIATE');
        db.prepare("INSERT INTO leases (name, holder, expires_at) VALUES ('store-write-probe', 'store', ?) ON CONFLICT (name) DO UPDATE SET expires_at = excluded.expires_at").run(Date.now());
        db.exec('COMMIT');
        return succeeded();
      } catch {
        try {
          if (db.inTransaction) db.exec('ROLLBACK');
        } catch { /* still failing */ }
      }
    }
    delay = Math.min(delay * 2, MAX_RETRY_MS);
    schedule();
  };
  const schedule = () => {
    retry ??= setTimeout(probe, delay);
    retry.unref();
  };

  function succeeded(): void {
    if (downSince === null) return;
    const downForMs = Date.now() - downSince;
    downSince = null;
    delay = FIRST_RETRY_MS;
    if (retry) clearTimeout(retry);
    retry = null;
    tell({ writable: true, downForMs });
  }

  return {
    writable: () => downSince === null,
    failed(error: Error): void {
      const first = downSince === null;
      if (first) downSince = Date.now();
      schedule();
      if (first) tell({ writable: false, error: error.message });
    },
    succeeded,
    listen: (l: (c: StoreHealthChange) => void) => {
      listeners.push(l);
    },
    stop(): void {
      if (retry) clearTimeout(retry);
      retry = null;
    },
  };
}

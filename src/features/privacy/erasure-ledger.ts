// Erasures outlive restores. A backup taken before an erasure still holds the parent: each erasure
// is written to a ledger (erasures.log, in the data folder and beside the backups) as the SHA-256
// of the contact's id, a random UUID that says nothing without the store; Loa re-applies the
// ledger at start and `npm run restore` right after putting a copy in place.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../store/types.ts';

export const LEDGER_FILE = 'erasures.log';

export const contactHash = (contactId: string) => crypto.createHash('sha256').update(contactId).digest('hex');

/** Appends an erasure to the ledger in each folder (created 0700, the file 0600), on disk before this returns. */
export function recordErasure(dirs: string[], contactId: string, at: string): void {
  for (const dir of new Set(dirs)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = fs.openSync(path.join(dir, LEDGER_FILE), 'a', 0o600);
    try {
      fs.writeSync(fd, `${at} ${contactHash(contactId)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** The hashes of every erased contact, from the ledgers in these folders (missing ones are empty). */
export function readLedger(dirs: string[]): Set<string> {
  const hashes = new Set<string>();
  for (const dir of new Set(dirs)) {
    let text = '';
    try {
      text = fs.readFileSync(path.join(dir, LEDGER_FILE), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const hash = line.split(' ')[1];
      if (hash && /^[0-9a-f]{64}$/.test(hash)) hashes.add(hash);
    }
  }
  return hashes;
}

/** Erases again every contact of the store that the ledger says was erased; returns their ids. */
export async function reapplyErasures(store: Store, dirs: string[], at: string, placeholder: string): Promise<string[]> {
  const hashes = readLedger(dirs);
  if (!hashes.size) return [];
  const again = (await store.privacy.liveContactIds()).filter((id) => hashes.has(contactHash(id)));
  for (const id of again) await store.privacy.eraseContact(id, at, placeholder);
  await store.flush();
  return again;
}

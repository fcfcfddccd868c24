// A class roster (CSV from the school's records) links parents who already chat with the bot to
// their child's class: by their platform id when the roster has it, else by their chat name (exactly,
// diacritics included) when exactly one contact has it. Everyone else is listed as unmatched, nothing is guessed.
import type { Contact, Store } from '../../store/types.ts';

export interface RosterResult {
  rows: number;
  linked: { row: number; parent: string; contactId: string; by: 'id' | 'name' }[];
  /** `code` says why for the console (ambiguous: several contacts have the name; not_chatting: none). */
  unmatched: { row: number; parent: string; reason: string; code: 'ambiguous' | 'not_chatting' }[];
}

export class RosterError extends Error {}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows.filter((r) => r.some((c) => c.trim()));
}

// Names are compared whole, diacritics included: "Anh Tuân" and "Anh Tuấn" are two people. Only
// the encoding (NFC), letter case and spacing are set aside.
const key = (name: string) => name.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();

export async function importRoster(store: Store, groupId: string, csv: string, at: string): Promise<RosterResult> {
  const [header, ...rows] = parseCsv(csv.replace(/^\uFEFF/, ''));
  if (!header) throw new RosterError('the roster is empty');
  const cols = header.map((h) => h.trim().toLowerCase());
  const col = (name: string) => cols.indexOf(name);
  if (col('parent_name') < 0) throw new RosterError('the roster needs a "parent_name" column (and optionally child_name, zalo_user_id, messenger_psid)');
  const contacts = await store.contacts.list({ limit: 1_000_000 });
  const byName = new Map<string, Contact[]>();
  for (const c of contacts) if (c.displayName) byName.set(key(c.displayName), [...(byName.get(key(c.displayName)) ?? []), c]);
  const result: RosterResult = { rows: rows.length, linked: [], unmatched: [] };
  for (const [i, r] of rows.entries()) {
    const parent = (r[col('parent_name')] ?? '').trim();
    const ids = [['zalo_user_id', ['zalo_oa', 'zalo_personal']], ['messenger_psid', ['messenger']]] as const;
    let contact: Contact | undefined;
    let by: 'id' | 'name' = 'id';
    for (const [name, channels] of ids) {
      const id = col(name) >= 0 ? (r[col(name)] ?? '').trim() : '';
      if (id) contact ??= contacts.find((c) => channels.includes(c.ref.channel as never) && c.ref.userId === id && c.ref.threadType === 'user');
    }
    if (!contact && parent) {
      const same = byName.get(key(parent)) ?? [];
      if (same.length === 1) { contact = same[0]; by = 'name'; }
      else if (same.length > 1) { result.unmatched.push({ row: i + 2, parent, reason: `${same.length} contacts have this name`, code: 'ambiguous' }); continue; }
    }
    if (!contact) {
      result.unmatched.push({ row: i + 2, parent, reason: 'not chatting with the bot yet', code: 'not_chatting' });
      continue;
    }
    await store.subscriptions.subscribe(contact.id, groupId, 'roster', contact.ref.channel, at);
    result.linked.push({ row: i + 2, parent, contactId: contact.id, by });
  }
  return result;
}

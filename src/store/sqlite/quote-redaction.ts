// An erased parent's words also live where Loa quoted them: alerts («…» around a parent's words,
// with the parent's contact id in their details) and the copies of those alerts sent to staff on
// chat (outbox texts). Both are redacted with the erasure, in its transaction.
import { parse, type Row, type SqliteContext } from './sql.ts';

const QUOTE = /«[^»]*»/g;

/** What an alert says with the parent's quotes (and name) replaced; null when it quotes nothing of theirs. */
export function redactAlert(message: string, details: unknown, who: { contactId: string; name: string | null; codes: string[] }, placeholder: string): string | null {
  const d = (details ?? {}) as { contactId?: unknown; contactIds?: unknown };
  const alone = d.contactId === who.contactId;
  const among = Array.isArray(d.contactIds) && d.contactIds.includes(who.contactId);
  if (!alone && !among) return null;
  // Quoting this parent alone: every quote is theirs. Among others (a trend's examples): only the
  // quotes of their own comments, which start with the comment's code.
  let out = message.replace(QUOTE, (q) => (alone || who.codes.some((code) => q.startsWith(`«${code}:`)) ? `«${placeholder}»` : q));
  if (alone && who.name && who.name.length > 1) out = out.split(who.name).join(placeholder);
  return out;
}

/**
 * Redacts the alerts that quote a contact, and the same words in texts sent to staff; returns how
 * many alerts and texts changed.
 */
export function redactQuotes(c: SqliteContext, who: { contactId: string; name: string | null; codes: string[] }, placeholder: string): { alerts: number; texts: number } {
  const { db } = c;
  const rows = db.prepare(`SELECT id, message, details FROM alerts
    WHERE json_extract(details, '$.contactId') = ? OR EXISTS (SELECT 1 FROM json_each(details, '$.contactIds') WHERE value = ?)`)
    .all(who.contactId, who.contactId) as Row[];
  const replaced: [string, string][] = [];
  let alerts = 0;
  for (const r of rows) {
    const next = redactAlert(r.message, parse(r.details), who, placeholder);
    if (next === null || next === r.message) continue;
    db.prepare('UPDATE alerts SET message = ? WHERE id = ?').run(next, r.id);
    alerts++;
    replaced.push([r.message, next]);
    // The quotes one by one too: a digest on chat carries alerts cut short.
    const before = r.message.match(QUOTE) ?? [];
    const after = next.match(QUOTE) ?? [];
    before.forEach((q: string, i: number) => { if (q !== after[i]) replaced.push([q, after[i] ?? `«${placeholder}»`]); });
  }
  let texts = 0;
  // Texts are JSON: the words are looked for as JSON writes them.
  const inJson = (s: string) => JSON.stringify(s).slice(1, -1);
  for (const [from, to] of replaced) {
    const f = inJson(from);
    for (const t of db.prepare('SELECT id, body FROM message_texts WHERE instr(body, ?) > 0').all(f) as Row[]) {
      const body = (t.body as string).split(f).join(inJson(to));
      const same = db.prepare('SELECT id FROM message_texts WHERE body = ?').get(body) as Row | undefined;
      if (same) {
        // The redacted text exists already (two alerts alike once redacted): refer to that one.
        db.prepare('UPDATE outbox SET text_id = ? WHERE text_id = ?').run(same.id, t.id);
      } else {
        db.prepare('UPDATE message_texts SET body = ? WHERE id = ?').run(body, t.id);
      }
      texts++;
    }
  }
  return { alerts, texts };
}

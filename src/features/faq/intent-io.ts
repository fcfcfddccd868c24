// The FAQ in and out of the console: a YAML stream (the intents/ folder's files, one document
// each), a CSV a school fills in a spreadsheet (one row per utterance or answer, with its
// language), and Botpress v12 Q&A JSON. Reading gives drafts with the line each came from, or
// the bad rows with their line numbers; nothing is applied here.
import YAML from 'yaml';
import type { Intent } from '../../nlu/intent-schema.ts';
import type { Locale } from '../../store/types.ts';
import type { IntentDraft } from './intent-edit.ts';
import { parseCsv } from '../../core/csv.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';

export const FORMATS = ['yaml', 'csv', 'botpress'] as const;
export type IntentFormat = (typeof FORMATS)[number];

export interface ImportProblem {
  line: number;
  /** A key under "import." in locales/<lng>/errors.json, with its values. */
  key: string;
  vars?: Record<string, unknown>;
}

export interface DraftAt {
  line: number;
  id: string;
  draft: IntentDraft;
}

export interface ReadResult {
  drafts: DraftAt[];
  problems: ImportProblem[];
}

const ID = /^[a-z][a-z0-9_]*$/;
const LANGS = new Set(['vi', 'en']);

// ---- CSV ----

const csvCell = (v: string) => (/[",;\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export const CSV_HEADER = ['intent', 'type', 'language', 'text'];

export function toCsv(intents: Intent[], answerOf: (i: Intent, lng: Locale) => string | null): string {
  const rows = [CSV_HEADER];
  for (const i of intents) {
    if (i.description) rows.push([i.id, 'description', '', i.description]);
    for (const lng of ['vi', 'en'] as const) if (i.title?.[lng]) rows.push([i.id, 'title', lng, i.title[lng]!]);
    for (const lng of ['vi', 'en'] as const) for (const u of i.utterances[lng]) rows.push([i.id, 'utterance', lng, u]);
    for (const lng of ['vi', 'en'] as const) {
      const a = answerOf(i, lng);
      if (a) rows.push([i.id, 'answer', lng, a]);
    }
  }
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function fromCsv(text: string): ReadResult {
  const parsed = parseCsv(text);
  if (!Array.isArray(parsed)) return { drafts: [], problems: [{ line: parsed.line, key: 'import.unclosed_quote' }] };
  const problems: ImportProblem[] = [];
  const [header, ...rows] = parsed;
  const names = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const col = Object.fromEntries(CSV_HEADER.map((n) => [n, names.indexOf(n)]));
  if (!header || CSV_HEADER.some((n) => col[n] < 0)) return { drafts: [], problems: [{ line: 1, key: 'import.csv_header', vars: { columns: CSV_HEADER.join(',') } }] };
  const byId = new Map<string, DraftAt>();
  for (const { line, cells } of rows) {
    const get = (n: string) => (cells[col[n]] ?? '').trim();
    const id = get('intent');
    const type = get('type').toLowerCase();
    const lang = get('language').toLowerCase();
    const value = get('text');
    if (!ID.test(id)) {
      problems.push({ line, key: 'import.bad_id', vars: { id } });
      continue;
    }
    const at = byId.get(id) ?? { line, id, draft: { utterances: { vi: [], en: [] } } };
    byId.set(id, at);
    if (!value) problems.push({ line, key: 'import.empty_text' });
    else if (type === 'description') at.draft.description = value;
    else if (type !== 'utterance' && type !== 'answer' && type !== 'title') problems.push({ line, key: 'import.bad_type', vars: { type } });
    else if (!LANGS.has(lang)) problems.push({ line, key: 'import.bad_language', vars: { language: lang } });
    else if (type === 'title') {
      if (value.length > 40) problems.push({ line, key: 'import.too_long', vars: { max: 40 } });
      else (at.draft.title ??= {})[lang as Locale] = value;
    }
    else if (type === 'utterance') {
      if (value.length > 500) problems.push({ line, key: 'import.too_long', vars: { max: 500 } });
      else if (!at.draft.utterances[lang as Locale].includes(value)) at.draft.utterances[lang as Locale].push(value);
    } else {
      const answer = (at.draft.answer ??= {}) as { vi?: string; en?: string };
      if (answer[lang as Locale]) problems.push({ line, key: 'import.two_answers', vars: { id, language: lang } });
      else answer[lang as Locale] = value;
    }
  }
  return { drafts: [...byId.values()], problems };
}

// ---- YAML: the intents/ folder's files as one stream, a document per intent ----

/** One intent as its intents/<id>.yaml file: the store's version number stays out, "enabled" only when off. */
export function intentYaml(i: Intent): string {
  const { version: _v, enabled, ...rest } = i;
  return YAML.stringify(enabled === false ? { ...rest, enabled } : rest, { lineWidth: 0 });
}

export function toYaml(intents: Intent[]): string {
  return intents.map(intentYaml).join('---\n');
}

export function fromYaml(text: string): ReadResult {
  const problems: ImportProblem[] = [];
  const drafts: DraftAt[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const doc of YAML.parseAllDocuments(text)) {
    const start = doc.range?.[0] ?? 0;
    if (doc.errors.length) {
      const e = doc.errors[0];
      problems.push({ line: e.linePos?.[0]?.line ?? lineOf(start), key: 'import.yaml', vars: { reason: e.message.split('\n')[0] } });
      continue;
    }
    const value = doc.toJS() as Record<string, unknown> | null;
    if (value === null) continue;
    const line = lineOf(doc.contents?.range?.[0] ?? start);
    if (typeof value !== 'object' || typeof value.id !== 'string' || !ID.test(value.id)) {
      problems.push({ line, key: 'import.bad_id', vars: { id: String((value as { id?: unknown })?.id ?? '') } });
      continue;
    }
    const u = (value.utterances ?? {}) as { vi?: unknown; en?: unknown };
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    drafts.push({
      line, id: value.id,
      draft: {
        description: typeof value.description === 'string' ? value.description : undefined,
        utterances: { vi: list(u.vi), en: list(u.en) },
        answer: typeof value.answer === 'string' ? value.answer : (value.texts as IntentDraft['answer']) ?? undefined,
        handler: typeof value.handler === 'string' ? value.handler : undefined,
        quickReplies: Array.isArray(value.quickReplies) ? value.quickReplies.map(String) : undefined,
        title: value.title && typeof value.title === 'object' ? (value.title as IntentDraft['title']) : undefined,
        enabled: typeof value.enabled === 'boolean' ? value.enabled : undefined,
      },
    });
  }
  return { drafts, problems };
}

// ---- Botpress v12 Q&A: { qnas: [{ id, data: { questions: {lang: []}, answers: {lang: []}, enabled } }] } ----

/** A Botpress Q&A id ("__qna__x1y2_gio_don_tre") as an intent id. */
export function idFromBotpress(id: string): string {
  const cleaned = foldDiacritics(id.replace(/^__qna__/, '').toLowerCase()).replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return (/^[a-z]/.test(cleaned) ? cleaned : `qna_${cleaned}`).slice(0, 60).replace(/_+$/, '');
}

export function toBotpress(intents: Intent[], answerOf: (i: Intent, lng: Locale) => string | null): string {
  const qnas = intents.filter((i) => !i.handler).map((i) => ({
    id: i.id,
    data: {
      action: 'text', contexts: ['global'], enabled: i.enabled !== false,
      questions: { vi: i.utterances.vi, en: i.utterances.en },
      answers: Object.fromEntries((['vi', 'en'] as const).map((l) => [l, answerOf(i, l) ? [answerOf(i, l)] : []])),
      redirectFlow: '', redirectNode: '',
    },
  }));
  return `${JSON.stringify({ qnas, contentElements: [] }, null, 2)}\n`;
}

export function fromBotpress(text: string): ReadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    return { drafts: [], problems: [{ line: m ? text.slice(0, Number(m[1])).split('\n').length : 1, key: 'import.json' }] };
  }
  const qnas = Array.isArray(value) ? value : (value as { qnas?: unknown })?.qnas;
  if (!Array.isArray(qnas)) return { drafts: [], problems: [{ line: 1, key: 'import.botpress_shape' }] };
  const problems: ImportProblem[] = [];
  const drafts: DraftAt[] = [];
  let from = 0;
  for (const [index, qna] of qnas.entries()) {
    const q = qna as { id?: unknown; data?: { questions?: Record<string, unknown>; answers?: Record<string, unknown>; enabled?: unknown } };
    // The line of this Q&A: where its id first appears after the previous one.
    const pos = typeof q?.id === 'string' ? text.indexOf(JSON.stringify(q.id), from) : -1;
    if (pos >= 0) from = pos + 1;
    const line = pos >= 0 ? text.slice(0, pos).split('\n').length : index + 1;
    if (typeof q?.id !== 'string' || !q.data || typeof q.data !== 'object') {
      problems.push({ line, key: 'import.botpress_shape' });
      continue;
    }
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string').map((s) => s.trim()).filter(Boolean) : []);
    const answers = q.data.answers ?? {};
    const first = (l: string) => strings(answers[l]).join('\n\n') || undefined;
    drafts.push({
      line, id: idFromBotpress(q.id),
      draft: {
        description: `Botpress Q&A ${q.id}`,
        utterances: { vi: strings(q.data.questions?.vi), en: strings(q.data.questions?.en) },
        answer: { vi: first('vi') ?? null, en: first('en') ?? null },
        enabled: typeof q.data.enabled === 'boolean' ? q.data.enabled : undefined,
      },
    });
  }
  return { drafts, problems };
}

// The school data forms' data side, apart from their JSX: describing fields, updating a path,
// dropping optional parts left empty, and finding errors no field shows. Tested on its own.
export type Desc =
  | { k: 'text' | 'time' | 'date' | 'number' | 'long'; key: string; optional?: boolean }
  | { k: 'bilingual'; key: string; optional?: boolean; long?: boolean }
  | { k: 'select'; key: string; options: string[] }
  | { k: 'weekdays'; key: string }
  | { k: 'bool'; key: string }
  | { k: 'tags'; key: string }
  | { k: 'group'; key: string; fields: Desc[]; optional?: boolean }
  | { k: 'list'; key: string; item: Desc[] };

type Json = any;
export type Errors = Record<string, string>;

export function setAt(data: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = Array.isArray(data) ? [...data] : { ...(data ?? {}) };
  (copy as any)[head] = setAt((data ?? {})[head as any], rest, value);
  return copy;
}

function emptyOf(d: Desc): Json {
  switch (d.k) {
    case 'bilingual': return { vi: '', en: '' };
    case 'group': return Object.fromEntries(d.fields.map((f) => [f.key, emptyOf(f)]));
    case 'list': case 'tags': return [];
    case 'weekdays': return [1, 2, 3, 4, 5];
    case 'bool': return false;
    case 'select': return d.options[0];
    default: return '';
  }
}
export const emptyItem = (fields: Desc[]) => Object.fromEntries(fields.map((f) => [f.key, emptyOf(f)]));

const blank = (v: Json): boolean =>
  v === undefined || v === null || v === '' || (typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(blank));

/** Drops optional parts left empty, so that "no bank account" is not sent as empty strings. */
export function clean(fields: Desc[], data: Json): Json {
  const out: Json = { ...(data ?? {}) };
  for (const f of fields) {
    const v = out[f.key];
    if ('optional' in f && f.optional && blank(v)) { delete out[f.key]; continue; }
    if (f.k === 'group' && v) out[f.key] = clean(f.fields, v);
    if (f.k === 'list' && Array.isArray(v)) out[f.key] = v.map((item: Json) => clean(f.item, item));
  }
  return out;
}

/** Errors whose path no field shows (so that nothing wrong goes unsaid). */
export function unshown(fields: Desc[], errors: Errors, data: Json): string[] {
  const paths = new Set<string>();
  const walk = (ds: Desc[], prefix: string, value: Json) => {
    for (const d of ds) {
      const p = prefix ? `${prefix}.${d.key}` : d.key;
      paths.add(p);
      if (d.k === 'bilingual') { paths.add(`${p}.vi`); paths.add(`${p}.en`); }
      if (d.k === 'group') walk(d.fields, p, value?.[d.key] ?? {});
      if (d.k === 'list') (value?.[d.key] ?? []).forEach((it: Json, i: number) => walk(d.item, `${p}.${i}`, it));
    }
  };
  walk(fields, '', { ...(data ?? {}) });
  return Object.entries(errors).filter(([k]) => !paths.has(k)).map(([k, m]) => `${k}: ${m}`);
}

// The console's texts: every key the console asks for exists in Vietnamese and in English, and the
// two files have the same keys (a screen never shows a key or falls back to the other language).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const texts = (lng: string) => JSON.parse(fs.readFileSync(path.join(root, 'locales', lng, 'console.json'), 'utf8'));
const flatten = (o: Record<string, unknown>, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []);
}

describe('console texts', () => {
  const vi = flatten(texts('vi')).sort();
  const en = flatten(texts('en')).sort();

  it('has the same keys in Vietnamese and English', () => {
    expect(en).toEqual(vi);
  });

  it('has every literal key the console uses, and no empty text', () => {
    const used = new Set<string>();
    for (const file of sources(path.join(root, 'web', 'src'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z_]+(?:\.[a-zA-Z0-9_]+)+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    // A text said with a count lives under its plural forms (i18next: key_one, key_other).
    const missing = [...used].filter((k) => !vi.includes(k) && !vi.includes(`${k}_other`));
    expect(missing).toEqual([]);
    const empty = vi.filter((k) => k.split('.').reduce<any>((o, p) => o[p], texts('vi')) === '');
    expect(empty).toEqual([]);
  });

  it('labels every school data field the forms show', () => {
    const school = fs.readFileSync(path.join(root, 'web', 'src', 'screens', 'school.tsx'), 'utf8');
    const keys = new Set([...school.matchAll(/(?:key: |\b(?:text|bi)\()'([a-zA-Z]+)'/g)].map((m) => m[1]));
    expect(keys.size).toBeGreaterThan(40);
    expect([...keys].filter((k) => !vi.includes(`school.f.${k}`))).toEqual([]);
  });
});

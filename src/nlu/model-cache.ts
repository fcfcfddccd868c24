// Trained models kept on disk between processes: training the content pack and the out-of-scope
// pool takes seconds, and the same data with the same code always gives the same model (training
// is deterministic). The key covers the intents, the pool, the options and the source of every
// module that shapes training, so any change trains anew. A cache that cannot be read or written
// is simply not used.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import type { NluModelData } from './model.ts';

const DIR = path.join(os.tmpdir(), 'loa-nlu-models');
/** Models kept: each intent edit makes a new one (~3 MB); older ones are removed. */
const KEEP = 6;
const SOURCES = ['classifier.ts', 'model.ts', 'normalise.ts', 'augment.ts', 'coverage.ts'];

let sourceText: string | null = null;
function sources(): string {
  sourceText ??= SOURCES.map((f) => {
    try {
      return fs.readFileSync(fileURLToPath(new URL(`./${f}`, import.meta.url)), 'utf8');
    } catch {
      return `missing:${f}`;
    }
  }).join('\0');
  return sourceText;
}

export function cacheKey(data: unknown): string {
  return crypto.createHash('sha256').update(sources()).update(JSON.stringify(data)).digest('hex').slice(0, 32);
}

export function readCachedModel(key: string): NluModelData | null {
  try {
    return v8.deserialize(fs.readFileSync(path.join(DIR, `${key}.bin`))) as NluModelData;
  } catch {
    return null;
  }
}

export function writeCachedModel(key: string, data: NluModelData): void {
  try {
    fs.mkdirSync(DIR, { recursive: true });
    const file = path.join(DIR, `${key}.bin`);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(tmp, v8.serialize(data));
    fs.renameSync(tmp, file); // whole or not at all, even with several processes writing
    const old = fs.readdirSync(DIR).filter((f) => f.endsWith('.bin'))
      .map((f) => ({ f, at: fs.statSync(path.join(DIR, f)).mtimeMs })).sort((a, b) => b.at - a.at).slice(KEEP);
    for (const { f } of old) fs.rmSync(path.join(DIR, f), { force: true });
  } catch {
    // not cached: the next start trains again
  }
}

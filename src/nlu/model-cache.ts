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
/** Models kept (the NLU's and the safety model, for the sources and for dist/): each intent edit makes a new one (~4 MB); older ones are removed. */
const KEEP = 12;
/** Beside the compiled code (dist/, `npm start`) the sources are .js files, beside the sources .ts. */
const EXT = path.extname(fileURLToPath(import.meta.url));
const SOURCES = ['classifier', 'model', 'normalise', 'augment', 'coverage'].map((f) => new URL(`./${f}${EXT}`, import.meta.url));

const sourceTexts = new Map<string, string>();
function sourceText(file: URL): string {
  let text = sourceTexts.get(file.href);
  if (text === undefined) {
    try {
      text = fs.readFileSync(fileURLToPath(file), 'utf8');
    } catch {
      text = `missing:${file.href}`;
    }
    sourceTexts.set(file.href, text);
  }
  return text;
}

/** The key of a model trained on `data`; `moreSources` are other modules that shape that training. */
export function cacheKey(data: unknown, moreSources: URL[] = []): string {
  const hash = crypto.createHash('sha256');
  for (const f of [...SOURCES, ...moreSources]) hash.update(sourceText(f)).update('\0');
  return hash.update(JSON.stringify(data)).digest('hex').slice(0, 32);
}

export function readCachedModel<T = NluModelData>(key: string): T | null {
  try {
    return v8.deserialize(fs.readFileSync(path.join(DIR, `${key}.bin`))) as T;
  } catch {
    return null;
  }
}

export function writeCachedModel(key: string, data: unknown): void {
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

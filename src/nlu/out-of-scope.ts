// The out-of-scope pool: ordinary sentences that have nothing to do with the school (chit-chat,
// general knowledge, other services, arithmetic, time, sport, news, shopping, adults' health…),
// kept in nlu-data/out-of-scope/*.txt. It trains the out-of-scope model; the thresholds that
// decide between "out of scope", "unsure" and an answer are calibrated on the dev set by
// `npm run nlu -- tune --write` and kept in nlu-data/thresholds.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIGNALS, type SecondStage } from './second-stage.ts';

export const NLU_DATA_DIR = fileURLToPath(new URL('../../nlu-data/', import.meta.url));
export const POOL_DIR = path.join(NLU_DATA_DIR, 'out-of-scope');
export const THRESHOLDS_FILE = path.join(NLU_DATA_DIR, 'thresholds.json');

/** The pool's school questions that the intent files do not cover (see second-stage.ts). */
export const UNCOVERED_POOL_FILE = 'school-not-covered.txt';

/** One sentence a line; blank lines and "#" comments are skipped. A missing folder is an empty pool. */
export function readPool(dir = POOL_DIR, only?: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.txt') && (!only || f === only)).sort().flatMap((f) =>
    fs.readFileSync(path.join(dir, f), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
}

export interface Thresholds {
  /** Out-of-scope probability at or above which a message is answered "none". */
  outOfScope: number;
  /** Below this intent confidence, the guess is rejected (unsure). */
  minConfidence: number;
  /** Below this lead over the runner-up, the guess is rejected (unsure between two). */
  minMargin: number;
  /**
   * When present, "out of scope" is the second stage's probability (see second-stage.ts), which
   * also catches school questions the intent files do not cover; else the out-of-scope model's.
   */
  secondStage?: SecondStage;
}

export const DEFAULT_THRESHOLDS: Thresholds = { outOfScope: 0.5, minConfidence: 0.35, minMargin: 0.08 };

export function readThresholds(file = THRESHOLDS_FILE): Thresholds {
  try {
    const t = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Thresholds>;
    const num = (v: unknown, d: number) => (typeof v === 'number' && v >= 0 && v <= 1 ? v : d);
    return {
      outOfScope: num(t.outOfScope, DEFAULT_THRESHOLDS.outOfScope),
      minConfidence: num(t.minConfidence, DEFAULT_THRESHOLDS.minConfidence),
      minMargin: num(t.minMargin, DEFAULT_THRESHOLDS.minMargin),
      ...(validStage(t.secondStage) ? { secondStage: t.secondStage } : {}),
    };
  } catch {
    return DEFAULT_THRESHOLDS;
  }
}

function validStage(s: unknown): s is SecondStage {
  const nums = (v: unknown) => Array.isArray(v) && v.length === SIGNALS.length && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  const o = s as SecondStage | undefined;
  return Boolean(o && typeof o.bias === 'number' && nums(o.weights) && nums(o.mean) && nums(o.scale) && o.scale.every((x) => x > 0));
}

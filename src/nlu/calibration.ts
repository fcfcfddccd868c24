// Thresholds are calibrated on the dev set, never set by hand: every message is scored once, then
// a grid of (out-of-scope, confidence, margin) thresholds is searched for the best accuracy with
// in-scope false rejects at or under the target.
import { classify, firstStage, THRESHOLDS } from './nlu-service.ts';
import { buildModel, DEFAULT_MODEL_OPTIONS, NONE_INTENT, type ModelOptions, type NluModel } from './model.ts';
import { fitSecondStage, folds, secondStageScore, signals, type FirstStage, type Kind, type SecondStage } from './second-stage.ts';
import { POOL_DIR, readPool, UNCOVERED_POOL_FILE } from './out-of-scope.ts';
import type { Intent } from './intent-schema.ts';
import { foldDiacritics } from './normalise.ts';
import type { Thresholds } from './out-of-scope.ts';
import type { LabelledText } from './evaluation.ts';

interface Scored {
  expected: string;
  intent: string;
  confidence: number;
  runnerUp: { intent: string; confidence: number } | null;
  outOfScope: number;
}

export interface Figures {
  total: number;
  accuracy: number;
  /** In-scope messages whose guess was wrong and was rejected: asked about instead of answered wrongly. */
  caught: number;
  outOfScopeRecall: number;
  falseRejectRate: number;
}

const NEUTRAL: Thresholds = { outOfScope: 1.01, minConfidence: 0, minMargin: 0 };

/** Each message scored once; "out of scope" is the second stage's probability when there is one. */
export function score(model: NluModel, data: LabelledText[], secondStage: SecondStage | null = THRESHOLDS.secondStage ?? null): Scored[] {
  return data.map((d) => {
    const c = classify(model, d.text, { ...NEUTRAL, ...(secondStage ? { secondStage } : {}) });
    return { expected: d.intent, intent: c.candidate, confidence: c.confidence, runnerUp: c.runnerUp, outOfScope: c.outOfScope };
  });
}

/**
 * Fits the second stage (see second-stage.ts) on held-out predictions: k models, each trained
 * without one fold of the intent files and the pool, score that fold.
 */
export function fitStage(intents: Intent[], pool: string[], options: ModelOptions = DEFAULT_MODEL_OPTIONS, k = 5, use?: boolean[]): { secondStage: SecondStage; heldOut: Scored[] } {
  const uncovered = new Set(readPool(POOL_DIR, UNCOVERED_POOL_FILE));
  const rows: { x: number[]; kind: Kind; expected: string; intent: string; first: FirstStage & { runnerUp: Scored['runnerUp'] } }[] = [];
  for (const f of folds(intents, pool, k)) {
    const model = buildModel(f.intents, f.pool, options);
    const add = (text: string, expected: string, kind: Kind) => {
      const { intent, first } = firstStage(model, text);
      // A signal left out (experiments) is 0 everywhere: its weight stays 0.
      rows.push({ x: signals(first).map((v, i) => (use && !use[i] ? 0 : v)), kind, expected, intent, first });
    };
    for (const { intent, text } of f.heldIn) add(text, intent, 'in');
    for (const text of f.heldOut) add(text, NONE_INTENT, uncovered.has(text) ? 'uncovered' : 'out');
  }
  const secondStage = fitSecondStage(rows);
  // The same held-out predictions, scored as the thresholds will see them.
  const heldOut = rows.map((r) => ({ expected: r.expected, intent: r.intent, confidence: r.first.confidence, runnerUp: r.first.runnerUp, outOfScope: secondStageScore(secondStage, r.first) }));
  return { secondStage, heldOut };
}

export function figuresAt(scored: Scored[], t: Thresholds): Figures {
  let correct = 0, oos = 0, oosHit = 0, inScope = 0, rejected = 0, caught = 0;
  for (const s of scored) {
    // decide(), inlined: the grid search calls this some hundred million times.
    let got = s.intent;
    let unsure = false;
    if (s.intent === NONE_INTENT || s.outOfScope >= t.outOfScope) got = NONE_INTENT;
    else if (s.confidence < t.minConfidence || s.confidence - (s.runnerUp?.confidence ?? 0) < t.minMargin) { got = NONE_INTENT; unsure = true; }
    if (got === s.expected) correct++;
    if (s.expected === NONE_INTENT) { oos++; if (got === NONE_INTENT) oosHit++; }
    else {
      inScope++;
      if (got === NONE_INTENT) rejected++;
      if (unsure && s.intent !== s.expected) caught++;
    }
  }
  return { total: scored.length, accuracy: correct / scored.length, caught: caught / scored.length, outOfScopeRecall: oos ? oosHit / oos : 1, falseRejectRate: inScope ? rejected / inScope : 0 };
}

const range = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 1000) / 1000);

export interface TuneOptions {
  /**
   * The most in-scope false rejects allowed on the calibration set: half the 3 % target,
   * because messages never seen are rejected more often than the ones calibrated on.
   */
  maxFalseRejects?: number;
  /** Search the margin too (false: it stays 0). */
  margins?: boolean;
  /** Search the out-of-scope threshold (false: the out-of-scope model is not used). */
  outOfScope?: boolean;
  /**
   * Held-out predictions on the intent files and the pool (see fitStage): thousands of messages
   * the model did not train on. Their accuracy counts as much as the calibration set's, so the
   * thresholds do not fit the few hundred dev messages alone; the false-reject limit stays on dev.
   */
  heldOut?: Scored[];
  /**
   * The most in-scope false rejects allowed on the held-out folds. Each held-out utterance is a
   * new way of asking (the intent files are written to cover different angles), so more of them
   * are rejected than of ordinary messages: 5.1 % before the second stage. The limit keeps the
   * second stage from adding more than about two points there.
   */
  maxHeldOutFalseRejects?: number;
}

/**
 * The best thresholds on the scored messages: the most accurate (a wrong guess turned into a
 * question counting half) with false rejects within the target; ties go to fewer false rejects, then more out-of-scope recall, and among thresholds still
 * tied, to the middle of their plateau (the median of each threshold), the choice least likely to
 * move with the next unseen message. The middle keeps `rejected` meaningful: a plateau that starts
 * at a confidence of 0 rarely ends there.
 */
export function tune(scored: Scored[], options: TuneOptions = {}): { thresholds: Thresholds; figures: Figures } {
  const { maxFalseRejects = 0.015, margins = true, outOfScope = true, heldOut, maxHeldOutFalseRejects = 0.07 } = options;
  let bestKey: number[] | null = null;
  let tied: { thresholds: Thresholds; figures: Figures }[] = [];
  for (const o of outOfScope ? range(0.1, 0.95, 0.025) : [1.01]) {
    for (const c of range(0, 0.6, 0.025)) {
      for (const m of margins ? range(0, 0.3, 0.02) : [0]) {
        const thresholds = { outOfScope: o, minConfidence: c, minMargin: m };
        const f = figuresAt(scored, thresholds);
        // A wrong guess that is rejected becomes a question back ("did you mean…?"): worth half
        // a right answer, and better than a wrong one. Rejecting right guesses costs false rejects.
        let gain = f.accuracy + 0.5 * f.caught;
        let within = f.falseRejectRate <= maxFalseRejects;
        if (heldOut) {
          const h = figuresAt(heldOut, thresholds);
          gain = (gain + h.accuracy + 0.5 * h.caught) / 2;
          within &&= h.falseRejectRate <= maxHeldOutFalseRejects;
        }
        const key = [within ? 1 : 0, gain, -f.falseRejectRate, f.outOfScopeRecall];
        const cmp = bestKey ? compare(key, bestKey) : 1;
        if (cmp > 0) { bestKey = key; tied = [{ thresholds, figures: f }]; }
        else if (cmp === 0) tied.push({ thresholds, figures: f });
      }
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const mid = {
    outOfScope: median(tied.map((t) => t.thresholds.outOfScope)),
    minConfidence: median(tied.map((t) => t.thresholds.minConfidence)),
    minMargin: median(tied.map((t) => t.thresholds.minMargin)),
  };
  const distance = (t: Thresholds) => Math.abs(t.outOfScope - mid.outOfScope) + Math.abs(t.minConfidence - mid.minConfidence) + Math.abs(t.minMargin - mid.minMargin);
  return tied.reduce((a, b) => (distance(b.thresholds) < distance(a.thresholds) ? b : a));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 1e-12) return a[i] - b[i];
  return 0;
}

/**
 * What `npm run nlu -- tune` stores: the second stage fitted on held-out folds, then the thresholds
 * calibrated on the dev messages as written and with every diacritic removed (parents type both
 * ways, and the thresholds must hold for both), together with the held-out folds.
 */
export function calibrate(
  intents: Intent[], pool: string[], model: NluModel, dev: LabelledText[], options: TuneOptions = {},
  fit: { model?: ModelOptions; use?: boolean[] } = {},
): { thresholds: Thresholds; figures: Figures; heldOut: Figures } {
  const { secondStage, heldOut } = fitStage(intents, pool, fit.model, 5, fit.use);
  const stripped = dev.map((d) => ({ ...d, text: foldDiacritics(d.text) }));
  const found = tune([...score(model, dev, secondStage), ...score(model, stripped, secondStage)], { heldOut, ...options });
  const thresholds = { ...found.thresholds, secondStage };
  return { thresholds, figures: found.figures, heldOut: figuresAt(heldOut, thresholds) };
}

// The second stage: is the message something the intent files answer? One small logistic
// regression over what the first stage says about a message: the out-of-scope model's
// probability, how close the message comes to the best intent's utterances (coverage.ts), the
// intent's confidence and its lead over the runner-up. None of these alone tells a school question
// the FAQ does not cover ("lớp có camera không") from a covered one asked in new words; together
// they do far better (measured in `npm run nlu -- experiments`).
//
// It is fitted on held-out predictions (k-fold over the intent files and the out-of-scope pool:
// each utterance scored by a model that did not train on it), so it learns what an unseen message
// looks like, not a memorised one; only its threshold is calibrated on the dev set. Its weights
// are stored with the thresholds (nlu-data/thresholds.json) by `npm run nlu -- tune --write`.
import type { Intent } from './intent-schema.ts';

/** What the first stage says about one message. */
export interface FirstStage {
  outOfScope: number;
  similarity: number;
  explained: number;
  /** The share of the message's most telling word that belongs to the intent (see coverage.ts). */
  keyness: number;
  confidence: number;
  runnerUp: { confidence: number } | null;
}

export interface SecondStage {
  /** One weight per signal (see signals()), on standardised signals. */
  weights: number[];
  bias: number;
  mean: number[];
  scale: number[];
}

const logit = (p: number) => {
  const q = Math.min(1 - 1e-4, Math.max(1e-4, p));
  return Math.log(q / (1 - q));
};

export const SIGNALS = ['out-of-scope (logit)', 'similarity', 'explained', 'keyness', 'confidence', 'margin'];

export function signals(f: FirstStage): number[] {
  return [logit(f.outOfScope), f.similarity, f.explained, f.keyness, f.confidence, f.confidence - (f.runnerUp?.confidence ?? 0)];
}

/** The probability that the message is out of scope for the intent files. */
export function secondStageScore(stage: SecondStage, f: FirstStage): number {
  const x = signals(f);
  let z = stage.bias;
  for (let i = 0; i < x.length; i++) z += stage.weights[i] * ((x[i] - stage.mean[i]) / stage.scale[i]);
  return 1 / (1 + Math.exp(-z));
}

/**
 * What a held-out message is: covered by the intent files, out of scope, or a school question the
 * intent files do not cover (few in the pool, as important as the rest: each kind weighs a third).
 */
export type Kind = 'in' | 'out' | 'uncovered';

/** Plain logistic regression by gradient descent on standardised signals; out of scope = 1. */
export function fitSecondStage(rows: { x: number[]; kind: Kind }[], l2 = 1e-3, iterations = 2000): SecondStage {
  const d = rows[0].x.length;
  const mean = Array.from({ length: d }, (_, i) => rows.reduce((s, r) => s + r.x[i], 0) / rows.length);
  const scale = mean.map((m, i) => Math.sqrt(rows.reduce((s, r) => s + (r.x[i] - m) ** 2, 0) / rows.length) || 1);
  const xs = rows.map((r) => r.x.map((v, i) => (v - mean[i]) / scale[i]));
  const counts = new Map<Kind, number>();
  for (const r of rows) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  const weightOf = (kind: Kind) => 1 / counts.size / counts.get(kind)!;
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let it = 0; it < iterations; it++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    xs.forEach((x, n) => {
      let z = b;
      for (let i = 0; i < d; i++) z += w[i] * x[i];
      const g = (1 / (1 + Math.exp(-z)) - (rows[n].kind === 'in' ? 0 : 1)) * weightOf(rows[n].kind);
      for (let i = 0; i < d; i++) gw[i] += g * x[i];
      gb += g;
    });
    for (let i = 0; i < d; i++) w[i] -= 1 * (gw[i] + l2 * w[i]);
    b -= 1 * gb;
  }
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { weights: w.map(round), bias: round(b), mean: mean.map(round), scale: scale.map(round) };
}

/** The k folds of the intent files (each utterance held out once) and of the pool. */
export function folds(intents: Intent[], pool: string[], k: number): { intents: Intent[]; pool: string[]; heldIn: { intent: string; text: string }[]; heldOut: string[] }[] {
  return Array.from({ length: k }, (_, fold) => {
    const keep = (_: string, i: number) => i % k !== fold;
    const held = (_: string, i: number) => i % k === fold;
    const heldIn: { intent: string; text: string }[] = [];
    const heldOut = pool.filter(held);
    for (const intent of intents) {
      for (const text of [...intent.utterances.vi.filter(held), ...intent.utterances.en.filter(held)]) {
        if (intent.id === 'none') heldOut.push(text);
        else heldIn.push({ intent: intent.id, text });
      }
    }
    return {
      intents: intents.map((i) => ({ ...i, utterances: { vi: i.utterances.vi.filter(keep), en: i.utterances.en.filter(keep) } })),
      pool: pool.filter(keep), heldIn, heldOut,
    };
  });
}

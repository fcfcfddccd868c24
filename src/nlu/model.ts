// What Loa's NLU learns from: the intent classifier (one class per intent, "none" included) and,
// beside it, an out-of-scope model of its own (in scope vs the out-of-scope pool), so that a
// message about the weather that mentions "mai" or "giờ" is not forced into the nearest intent.
import { DEFAULT_FEATURES, IntentModel, type FeatureOptions, type ModelData, type TrainingExample, type TrainOptions } from './classifier.ts';
import type { Intent } from './intent-schema.ts';
import { hasVietnameseMarks, normalise } from './normalise.ts';
import { augmentVietnamese } from './augment.ts';
import { CoverageIndex, type Coverage, type CoverageData } from './coverage.ts';

export const NONE_INTENT = 'none';
const IN = 'in';
const OUT = 'out';

/**
 * How out-of-scope is told apart: "separate" trains a model of its own on the pool (the intent
 * classifier keeps none.yaml as a class); "class" adds the pool to the "none" class of the one
 * classifier; "both" does the two; "intents-only" uses none.yaml alone (Loa before issue 13).
 */
export type OutOfScopeMode = 'separate' | 'class' | 'both' | 'intents-only';

export interface ModelOptions {
  features: FeatureOptions;
  outOfScope: OutOfScopeMode;
  /** Epochs, learning rate, L2 of the logistic regressions. */
  train?: TrainOptions;
  /** Extra copies of each longer example with one word left out, so no single word decides. */
  wordDropout?: number;
  /** Each question also with a polite opener ("cô ơi", "cho em hỏi"), so openers decide nothing. */
  openers?: boolean;
  /** The out-of-scope model's features, when they differ from the intent classifier's. */
  outOfScopeFeatures?: FeatureOptions;
  /** Measure how close a message is to its intent's utterances (see coverage.ts); false: every message counts as covered. */
  coverage?: boolean;
  /** Class balance of the intent classifier (see TrainOptions.balance). */
  balance?: number;
}

/** What `npm run nlu -- experiments` found best on dev (see README, "NLU figures"). */
export const DEFAULT_MODEL_OPTIONS: ModelOptions = {
  features: DEFAULT_FEATURES, outOfScope: 'separate', openers: true, wordDropout: 1, train: { epochs: 8, minGradient: 1e-2 },
  // Words and word pairs tell the school from the rest as well without character n-grams, in a third less time.
  outOfScopeFeatures: { ...DEFAULT_FEATURES, charNgrams: [] },
  coverage: true,
  // An intent made in the console with ten utterances lost "trường mình có dạy bơi cho các con không cô"
  // to one with three hundred. On the three dev sets: 0 → 97.4 %, 0.3 → 97.6 %, 0.5 → 97.4 %.
  balance: 0.3,
};

const OPENERS_VI = ['cô ơi', 'cho em hỏi', 'chị ơi cho em hỏi', 'dạ cô ơi', 'em chào cô, cho em hỏi', 'ad ơi', 'cho mình hỏi', 'co oi cho e hoi'];
const OPENERS_EN = ['hi,', 'excuse me,', 'hello, quick question:', 'sorry to bother you,'];
/** Intents that are openers themselves, or that have none. */
const NO_OPENER = new Set([NONE_INTENT, 'greeting', 'thanks', 'help']);
const pick = <T>(list: T[], text: string) => list[[...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % list.length];

/** Copies of an example with one word (and its marked form) left out, chosen by a fixed rule. */
function dropouts(examples: TrainingExample[], copies: number): TrainingExample[] {
  if (!copies) return examples;
  const out = [...examples];
  examples.forEach((e, n) => {
    if (e.tokens.length < 4) return;
    for (let c = 0; c < copies; c++) {
      const drop = (n * 7 + c * 13) % e.tokens.length;
      out.push({ intent: e.intent, tokens: e.tokens.filter((_, i) => i !== drop), marked: e.marked?.filter((_, i) => i !== drop) });
    }
  });
  return out;
}

export interface NluModelData {
  intent: ModelData;
  oos: ModelData | null;
  coverage: CoverageData | null;
}

export class NluModel {
  /** Every word seen in training: lets the normaliser repair typos into known words. */
  readonly vocabulary: ReadonlySet<string>;

  constructor(readonly intent: IntentModel, readonly oos: IntentModel | null, readonly coverageIndex: CoverageIndex | null = null) {
    this.vocabulary = oos ? new Set([...intent.vocabulary, ...oos.vocabulary]) : intent.vocabulary;
  }

  /** Plain data (maps, sets, typed arrays) that can cross to and from a worker thread. */
  toData(): NluModelData {
    return { intent: this.intent.toData(), oos: this.oos?.toData() ?? null, coverage: this.coverageIndex?.toData() ?? null };
  }

  static fromData(d: NluModelData): NluModel {
    return new NluModel(IntentModel.fromData(d.intent), d.oos ? IntentModel.fromData(d.oos) : null, d.coverage ? CoverageIndex.fromData(d.coverage) : null);
  }

  /** How close the message comes to the intent's training utterances (see coverage.ts; 1 without an index). */
  coverage(tokens: string[], intent: string): Coverage {
    return this.coverageIndex ? this.coverageIndex.measure(tokens, intent) : { similarity: 1, explained: 1, keyness: 1 };
  }

  /** The out-of-scope model's probability that the message is not about the school (0 without one). */
  outOfScope(tokens: string[], marked?: string[]): number {
    if (!this.oos) return 0;
    const p = this.oos.predict(tokens, marked);
    return p.ranking.find((r) => r.intent === OUT)?.confidence ?? 0;
  }
}

function example(intent: string, text: string): TrainingExample | null {
  const n = normalise(text);
  return n.tokens.length ? { intent, tokens: n.tokens, marked: n.marked } : null;
}

/** Each utterance as written and the way parents type it (see augment.ts), without duplicates. */
export function trainingExamples(intents: Intent[], openers = false): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (const intent of intents) {
    if (intent.enabled === false) continue; // switched off in the console: not answered
    const seen = new Set<string>();
    const add = (text: string) => {
      const e = example(intent.id, text);
      const key = e && e.tokens.join(' ') + '|' + e.marked!.join(' ');
      if (!e || seen.has(key!)) return;
      seen.add(key!);
      examples.push(e);
    };
    const withOpener = openers && !NO_OPENER.has(intent.id);
    for (const u of intent.utterances.vi) {
      augmentVietnamese(u).forEach(add);
      if (withOpener) add(`${pick(OPENERS_VI, u)} ${u}`);
    }
    for (const u of intent.utterances.en) {
      add(u);
      if (withOpener) add(`${pick(OPENERS_EN, u)} ${u}`);
    }
  }
  return examples;
}

/** The utterances as written, one example each (no variants, openers or dropout): what "covered" is measured against. */
function coverageExamples(intents: Intent[]): TrainingExample[] {
  return intents.filter((i) => i.enabled !== false && i.id !== NONE_INTENT).flatMap((i) =>
    [...i.utterances.vi, ...i.utterances.en].map((u) => example(i.id, u)).filter((e): e is TrainingExample => e !== null));
}

/** The pool's sentences as "none" examples; Vietnamese ones also the way people type them. */
export function poolExamples(pool: string[]): TrainingExample[] {
  const seen = new Set<string>();
  const examples: TrainingExample[] = [];
  for (const line of pool) {
    for (const text of hasVietnameseMarks(line) ? augmentVietnamese(line) : [line]) {
      const e = example(NONE_INTENT, text);
      const key = e && e.tokens.join(' ') + '|' + e.marked!.join(' ');
      if (!e || seen.has(key!)) continue;
      seen.add(key!);
      examples.push(e);
    }
  }
  return examples;
}

export function buildModel(intents: Intent[], pool: string[], options: ModelOptions = DEFAULT_MODEL_OPTIONS): NluModel {
  const inScope = dropouts(trainingExamples(intents, options.openers), options.wordDropout ?? 0);
  const outside = options.outOfScope === 'intents-only' ? [] : dropouts(poolExamples(pool), options.wordDropout ?? 0);
  const intentData = options.outOfScope === 'class' || options.outOfScope === 'both' ? [...inScope, ...outside] : inScope;
  const intent = IntentModel.train(intentData, { ...options.train, balance: options.balance ?? 0 }, options.features);
  const coverage = options.coverage ? CoverageIndex.build(coverageExamples(intents), pool.map((l) => example(NONE_INTENT, l)).filter((e): e is TrainingExample => e !== null)) : null;
  if (options.outOfScope !== 'separate' && options.outOfScope !== 'both') return new NluModel(intent, null, coverage);
  if (outside.length === 0) return new NluModel(intent, null, coverage);
  const binary = [
    ...inScope.map((e) => ({ ...e, intent: e.intent === NONE_INTENT ? OUT : IN })),
    ...outside.map((e) => ({ ...e, intent: OUT })),
  ];
  return new NluModel(intent, IntentModel.train(binary, options.train, options.outOfScopeFeatures ?? options.features), coverage);
}

// A learned second opinion beside the phrase lists: the NLU's logistic regression (diacritic-free
// words, word pairs and character n-grams) trained on labelled messages (nlu-data/safety/*.tsv).
// Phrase lists catch what they were written for; the model catches the same things said in words
// nobody listed. Its threshold is chosen by cross-validation (`npm run safety -- --cv`).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_FEATURES, IntentModel, type FeatureOptions, type ModelData, type TrainOptions } from '../../nlu/classifier.ts';
import { cacheKey, readCachedModel, writeCachedModel } from '../../nlu/model-cache.ts';
import { normalise } from '../../nlu/normalise.ts';
import { readIntentDir } from '../../nlu/nlu-service.ts';
import { matchSafetyPhrases, namesAnAdult, SAFETY_KINDS, type SafetyKind, type SafetyReport } from './safety-report.ts';

export interface LabelledSafety {
  report: boolean;
  kind: SafetyKind | null;
  text: string;
}

/**
 * The detector's two cut-offs, chosen together by cross-validation (`npm run safety -- --cv`):
 * `model`, the probability above which the model alone raises a report; `phrase`, the probability
 * under which the model overrules a listed phrase (phrases written for one wording raise false
 * alarms on others: "đánh" in a game, "lạc" in a recipe).
 */
export interface Cutoffs { model: number; phrase: number }
// 2026-12-02: cross-validated recall 96.0 %, false alarms 9.8 %; on the dev set 99.1 % and 11.1 %. A
// missed report costs more than a false alarm: of the cut-offs within a point of the fewest false
// alarms, the one that finds the most reports.
export const CUTOFFS: Cutoffs = { model: 0.3, phrase: 0.15 };
const MIN_WORDS_FOR_MODEL = 3;
/**
 * Words that say nothing of harm: they do not count towards MIN_WORDS_FOR_MODEL. Reports in English
 * are told as stories ("and nobody called me"), so "and the meals?" alone read like one.
 */
const FUNCTION_WORDS = new Set([
  // Connectives and articles only: people ("cô", "con", "she", "my son") and verbs ("la" is to scold) are what short reports are made of.
  'and', 'the', 'a', 'an', 'of', 'to', 'in', 'on', 'at', 'for', 'is', 'are', 'was', 'were', 'it', 'this', 'that', 'what', 'about', 'how',
  'so', 'or', 'but', 'with', 'do', 'does', 'can', 'please', 'then', 'too', 'also',
  'va', 'thi', 'ma', 'nhe', 'nha', 'oi', 'voi', 'cua', 'sao', 'vay', 'nao', 'ha',
]);
const telling = (text: string) => tokensOf(text).filter((t) => !FUNCTION_WORDS.has(t)).length;

const DATA_DIR = new URL('../../../nlu-data/safety/', import.meta.url);
const INTENTS_DIR = new URL('../../../intents/', import.meta.url);

/** Reads `label<TAB>kind<TAB>text` lines (label report|none, kind "-" for none); "#" lines are comments. */
export function parseSafetyTsv(content: string): LabelledSafety[] {
  return content.split('\n').filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('label\t')).map((l) => {
    const [label, kind, ...text] = l.split('\t');
    return {
      report: label === 'report',
      kind: (SAFETY_KINDS as readonly string[]).includes(kind) ? (kind as SafetyKind) : null,
      text: text.join(' '),
    };
  });
}

export function readSafetyExamples(dir: URL = DATA_DIR): LabelledSafety[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort()
    .flatMap((f) => parseSafetyTsv(fs.readFileSync(new URL(f, dir), 'utf8')));
}

/**
 * Parents' everyday messages (the intents' utterances) as more examples of what is not a report:
 * "bé bị sốt có được đi học không", "cơm hôm nay bị khê". The comment form's own examples hold a
 * few reports ("con bị bạn đánh"): those the phrase lists recognise are left out.
 */
export function everydayQuestions(dir: URL = INTENTS_DIR): LabelledSafety[] {
  return readIntentDir(fileURLToPath(dir)).flatMap((i) => [...i.utterances.vi, ...i.utterances.en])
    .filter((text) => !matchSafetyPhrases(text)).map((text) => ({ report: false, kind: null, text }));
}

const NEGATIONS = new Set(['khong', 'chua', 'chang', 'not', 'never', 'no', 'nobody', 't']);
/** Marking the next two words beat none, three, and keeping the unmarked word too, in cross-validation. */
const NEGATION_REACH = 2;

/**
 * Diacritic-free tokens, with the few words after a negation marked ("không bị thương" →
 * "khong n_bi n_thuong"): "not hurt" must not read like "hurt".
 */
function tokensOf(text: string): string[] {
  // Which number ("lần 3", "lớp 2") says nothing of harm: each one learnt alone tipped "cơm bị nguội và khê lần 3" into a report.
  const tokens = normalise(text.slice(0, 4000)).tokens.map((t) => (/^\d+$/.test(t) ? '_number_' : t));
  const out: string[] = [];
  let negated = 0;
  for (const t of tokens) {
    if (negated > 0) {
      out.push('n_' + t);
      negated--;
    } else out.push(t);
    if (NEGATIONS.has(t)) negated = NEGATION_REACH;
  }
  return out;
}

/**
 * Words and word pairs, without the intent classifier's character n-grams: in cross-validation they
 * found as many reports (95.3 %) with a fifth fewer false alarms (8.7 % against 10.9 %) at equal cut-offs.
 */
export const SAFETY_FEATURES: FeatureOptions = { ...DEFAULT_FEATURES, charNgrams: [] };

/** A trained safety model as plain data (for the disk cache and from a worker thread). */
export interface SafetyModelData {
  isReport: ModelData;
  kinds: ModelData | null;
}

export class SafetyModel {
  private constructor(private readonly isReport: IntentModel, private readonly kinds: IntentModel | null) {}

  toData(): SafetyModelData {
    return { isReport: this.isReport.toData(), kinds: this.kinds?.toData() ?? null };
  }

  static fromData(d: SafetyModelData): SafetyModel {
    return new SafetyModel(IntentModel.fromData(d.isReport), d.kinds ? IntentModel.fromData(d.kinds) : null);
  }

  static train(rows: LabelledSafety[], options: TrainOptions = {}, features: FeatureOptions = SAFETY_FEATURES): SafetyModel {
    const isReport = IntentModel.train(rows.map((r) => ({ intent: r.report ? 'report' : 'none', tokens: tokensOf(r.text) })), options, features);
    const withKind = rows.filter((r) => r.report && r.kind);
    const kinds = withKind.length ? IntentModel.train(withKind.map((r) => ({ intent: r.kind!, tokens: tokensOf(r.text) }))) : null;
    return new SafetyModel(isReport, kinds);
  }

  /** How likely the message reports a child hurt, missing or in danger (0–1). */
  probability(text: string): number {
    const tokens = tokensOf(text);
    if (!tokens.length) return 0;
    return this.isReport.predict(tokens).ranking.find((r) => r.intent === 'report')?.confidence ?? 0;
  }

  kind(text: string): SafetyKind {
    return (this.kinds?.predict(tokensOf(text)).intent as SafetyKind | undefined) ?? 'danger';
  }
}

let trained: SafetyModel | null = null;
/** The model trained on the shipped examples, once, on first use (kept on disk like the NLU's). */
export function safetyModel(): SafetyModel {
  if (trained) return trained;
  const rows = [...readSafetyExamples(), ...everydayQuestions()];
  const key = safetyCacheKey(rows);
  const cached = readCachedModel<SafetyModelData>(key);
  trained = cached ? SafetyModel.fromData(cached) : SafetyModel.train(rows);
  if (!cached) writeCachedModel(key, trained.toData());
  return trained;
}

const safetyCacheKey = (rows: LabelledSafety[]) => cacheKey(['safety', rows], [new URL(import.meta.url)]);

/**
 * The model for Loa's start, not trained in this thread: from memory, from disk, else trained in a
 * worker thread that exits (training's garbage would otherwise stay in Loa's heap for good).
 */
export async function prepareSafetyModel(): Promise<SafetyModel> {
  if (trained) return trained;
  const rows = [...readSafetyExamples(), ...everydayQuestions()];
  const cached = readCachedModel<SafetyModelData>(safetyCacheKey(rows));
  if (cached) return (trained = SafetyModel.fromData(cached));
  const data = await new Promise<SafetyModelData | null>((resolve) => {
    try {
      const worker = new Worker(new URL('./safety-worker.mjs', import.meta.url));
      worker.once('message', (d: SafetyModelData) => resolve(d));
      worker.once('error', () => resolve(null));
      worker.once('exit', () => resolve(null));
    } catch {
      resolve(null);
    }
  });
  trained ??= data ? SafetyModel.fromData(data) : null;
  return safetyModel(); // in this thread if the worker failed
}

/**
 * A report that a child is hurt, missing or in danger, or null: a listed phrase the model does
 * not rule out (the phrases name the kind and the words that gave it away), else the model alone,
 * unless `ordinaryRequest` says the message is a sick-leave request or a health question: there
 * "bé bị sốt", "đau bụng" are the reason, and the model, which reads symptoms as harm, stays silent.
 */
export function detectSafetyReport(
  text: string, model: SafetyModel = safetyModel(), cutoffs: Cutoffs = CUTOFFS, ordinaryRequest: () => boolean = () => false,
): SafetyReport | null {
  if (!text || text.length < 4) return null;
  const p = model.probability(text);
  const listed = matchSafetyPhrases(text);
  if (listed && p >= cutoffs.phrase) return listed;
  // Two telling words are too little for the model alone ("bỏng ngô" is popcorn); listed phrases still count.
  if (p < cutoffs.model || telling(text) < MIN_WORDS_FOR_MODEL || ordinaryRequest()) return null;
  const kind = model.kind(text);
  return { kind, evidence: 'model', byAdult: kind === 'violence' && namesAnAdult(text) };
}

export interface SafetyScore { found: number; reports: number; alarms: number; ordinary: number }

/** How many reports a detector finds and how many ordinary messages it raises, on labelled messages. */
export function scoreDetector(rows: LabelledSafety[], says: (text: string) => boolean): SafetyScore {
  const reports = rows.filter((r) => r.report);
  const ordinary = rows.filter((r) => !r.report);
  return {
    found: reports.filter((r) => says(r.text)).length, reports: reports.length,
    alarms: ordinary.filter((r) => says(r.text)).length, ordinary: ordinary.length,
  };
}

/**
 * k-fold cross-validation of phrases + model at several cut-offs: each fold (every k-th example) is
 * judged by a model trained on the others plus `extra`, so no message judges a model that saw it.
 */
export function crossValidateSafety(rows: LabelledSafety[], extra: LabelledSafety[], grid: Cutoffs[], k = 5): SafetyScore[] {
  const totals = grid.map(() => ({ found: 0, reports: 0, alarms: 0, ordinary: 0 }));
  for (let f = 0; f < k; f++) {
    const held = rows.filter((_, i) => i % k === f);
    const model = SafetyModel.train([...rows.filter((_, i) => i % k !== f), ...extra]);
    grid.forEach((cutoffs, n) => {
      const s = scoreDetector(held, (t) => Boolean(detectSafetyReport(t, model, cutoffs)));
      const t = totals[n];
      t.found += s.found; t.reports += s.reports; t.alarms += s.alarms; t.ordinary += s.ordinary;
    });
  }
  return totals;
}

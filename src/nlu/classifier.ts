// Intent classifier: multinomial logistic regression over TF-IDF features (syllable uni- and
// bigrams plus character 3- and 4-grams for typos), trained on normalised (diacritic-free) text,
// plus the words as written when they carry diacritics ("vâng" is not "vắng"). Which features are
// used is an option, so that `npm run nlu -- experiments` can measure each choice.
// Deterministic: fixed seed, fixed order, no network. A trained model is immutable, so a new one
// can be swapped in atomically while messages keep using the old one.

export interface TrainingExample {
  intent: string;
  tokens: string[];
  /** The words as written, where they carry diacritics (see Normalised.marked). */
  marked?: string[];
}

export interface FeatureOptions {
  /** Syllable bigrams ("hoc_phi"). */
  bigrams: boolean;
  /** Character n-gram sizes inside words, for typos; [] for none. */
  charNgrams: number[];
  /** Words with their diacritics as extra features when the message has them. */
  marked: boolean;
  /** Multi-syllable words joined into one token (see segment()), replacing their syllables. */
  segmentation: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { bigrams: true, charNgrams: [3, 4], marked: true, segmentation: false };

export interface Prediction {
  intent: string;
  confidence: number;
  runnerUp: { intent: string; confidence: number } | null;
  /** All classes with their probabilities, best first. */
  ranking: { intent: string; confidence: number }[];
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
  /** Classes whose gradient is smaller than this are skipped for an example (speed). */
  minGradient?: number;
  /**
   * Each example weighs (examples per class on average / its class's examples)^balance: 0 weighs
   * all alike; more gives an intent of ten utterances made in the console more say against
   * intents of three hundred.
   */
  balance?: number;
}

/**
 * Greedy longest match of known multi-syllable words: "hoc phi thang nay" → "hoc_phi thang_nay".
 * The lexicon is learnt from the training data (see learnLexicon).
 */
export function segment(tokens: string[], lexicon: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let taken = 1;
    for (let n = 3; n >= 2; n--) {
      if (i + n <= tokens.length && lexicon.has(tokens.slice(i, i + n).join('_'))) { taken = n; break; }
    }
    out.push(tokens.slice(i, i + taken).join('_'));
    i += taken;
  }
  return out;
}

/** Syllable pairs that occur together far more often than apart: the training data's compound words. */
export function learnLexicon(examples: { tokens: string[] }[], minCount = 4, minPmi = 3): Set<string> {
  const uni = new Map<string, number>();
  const bi = new Map<string, number>();
  let total = 0;
  for (const e of examples) {
    e.tokens.forEach((t, i) => {
      uni.set(t, (uni.get(t) ?? 0) + 1);
      total++;
      if (i + 1 < e.tokens.length && !t.startsWith('_') && !e.tokens[i + 1].startsWith('_')) {
        const k = t + '_' + e.tokens[i + 1];
        bi.set(k, (bi.get(k) ?? 0) + 1);
      }
    });
  }
  const lexicon = new Set<string>();
  for (const [k, c] of bi) {
    if (c < minCount) continue;
    const [a, b] = k.split('_');
    const pmi = Math.log2((c * total) / ((uni.get(a) ?? 1) * (uni.get(b) ?? 1)));
    if (pmi >= minPmi) lexicon.add(k);
  }
  return lexicon;
}

/** A word's character n-grams; training asks for the same words thousands of times, so they are kept. */
function charNgrams(t: string, sizes: number[], cache?: Map<string, string[]>): string[] {
  const hit = cache?.get(t);
  if (hit) return hit;
  const grams: string[] = [];
  const padded = `#${t}#`;
  for (const n of sizes) {
    for (let j = 0; j + n <= padded.length; j++) grams.push('c:' + padded.slice(j, j + n));
  }
  cache?.set(t, grams);
  return grams;
}

export function extractFeatures(tokens: string[], options: FeatureOptions = DEFAULT_FEATURES, marked?: string[], lexicon?: ReadonlySet<string>, cache?: Map<string, string[]>): string[] {
  const feats: string[] = [];
  const words = options.segmentation && lexicon ? segment(tokens, lexicon) : tokens;
  for (let i = 0; i < words.length; i++) {
    const t = words[i];
    feats.push('w:' + t);
    if (options.bigrams && i + 1 < words.length) feats.push('b:' + t + '_' + words[i + 1]);
    if (t.length >= 3 && !t.startsWith('_') && options.charNgrams.length) {
      for (const g of charNgrams(t, options.charNgrams, cache)) feats.push(g);
    }
  }
  if (options.marked && marked) for (const m of marked) if (m) feats.push('m:' + m);
  return feats;
}

/** A seeded PRNG (mulberry32) so that training is reproducible. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type SparseVector = { idx: Int32Array; val: Float64Array };

export interface ModelData {
  features: FeatureOptions;
  lexicon: Set<string>;
  intents: string[];
  featureIndex: Map<string, number>;
  idf: Float64Array;
  weights: Float64Array;
  bias: Float64Array;
  vocabulary: Set<string>;
}

export class IntentModel {
  private constructor(
    readonly features: FeatureOptions,
    private readonly lexicon: ReadonlySet<string>,
    readonly intents: string[],
    private readonly featureIndex: Map<string, number>,
    private readonly idf: Float64Array,
    private readonly weights: Float64Array, // features x intents: one feature's weights side by side, for the cache
    private readonly bias: Float64Array,
    /** Every word seen in training: lets the normaliser repair typos into known words. */
    readonly vocabulary: ReadonlySet<string>,
  ) {}

  /** Plain data (maps, sets, typed arrays) that can cross to and from a worker thread. */
  toData(): ModelData {
    return { features: this.features, lexicon: new Set(this.lexicon), intents: this.intents, featureIndex: this.featureIndex, idf: this.idf, weights: this.weights, bias: this.bias, vocabulary: new Set(this.vocabulary) };
  }

  static fromData(d: ModelData): IntentModel {
    return new IntentModel(d.features, d.lexicon, d.intents, d.featureIndex, d.idf, d.weights, d.bias, d.vocabulary);
  }

  static train(examples: TrainingExample[], options: TrainOptions = {}, features: FeatureOptions = DEFAULT_FEATURES): IntentModel {
    const { epochs = 25, learningRate = 1, l2 = 1e-5, seed = 42, minGradient = 1e-6, balance = 0 } = options;
    const lexicon = features.segmentation ? learnLexicon(examples) : new Set<string>();
    const cache = new Map<string, string[]>();
    const featuresOf = (e: TrainingExample) => extractFeatures(e.tokens, features, e.marked, lexicon, cache);
    if (examples.length === 0) throw new Error('cannot train on no examples');
    const intents = [...new Set(examples.map((e) => e.intent))].sort();
    const intentIndex = new Map(intents.map((n, i) => [n, i]));

    const featureIndex = new Map<string, number>();
    const docFreq: number[] = [];
    const vocabulary = new Set<string>();
    const featureLists = examples.map((e) => {
      for (const t of e.tokens) vocabulary.add(t);
      const all = featuresOf(e);
      const feats = new Set(all);
      for (const f of feats) {
        let i = featureIndex.get(f);
        if (i === undefined) { i = featureIndex.size; featureIndex.set(f, i); docFreq.push(0); }
        docFreq[i]++;
      }
      return all;
    });
    const n = examples.length;
    const idf = Float64Array.from(docFreq, (df) => Math.log((1 + n) / (1 + df)) + 1);
    const dim = featureIndex.size;
    const k = intents.length;
    const weights = new Float64Array(k * dim);
    const bias = new Float64Array(k);
    const model = new IntentModel(features, lexicon, intents, featureIndex, idf, weights, bias, vocabulary);

    const vectors = featureLists.map((f) => model.vectorise(f));
    const labels = examples.map((e) => intentIndex.get(e.intent)!);
    const perClass = new Float64Array(k);
    for (const l of labels) perClass[l]++;
    const classWeight = Array.from(perClass, (c) => (c ? (n / k / c) ** balance : 1));
    const order = Array.from({ length: n }, (_, i) => i);
    const random = rng(seed);
    const probs = new Float64Array(k);
    const grad = new Float64Array(k);

    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const lr = learningRate / (1 + epoch * 0.1);
      for (const s of order) {
        const x = vectors[s];
        model.scores(x, probs);
        softmaxInPlace(probs);
        const weight = classWeight[labels[s]];
        for (let c = 0; c < k; c++) {
          const g = (probs[c] - (c === labels[s] ? 1 : 0)) * weight;
          grad[c] = Math.abs(g) < minGradient ? 0 : g;
          bias[c] -= lr * grad[c] * 0.1;
        }
        for (let m = 0; m < x.idx.length; m++) {
          const base = x.idx[m] * k;
          const v = x.val[m];
          for (let c = 0; c < k; c++) {
            const g = grad[c];
            if (g === 0) continue;
            const w = base + c;
            weights[w] -= lr * (g * v + l2 * weights[w]);
          }
        }
      }
    }
    return model;
  }

  /** TF-IDF, L2-normalised; features never seen in training are ignored. */
  private vectorise(features: string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const f of features) {
      const i = this.featureIndex.get(f);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const idx = new Int32Array(counts.size);
    const val = new Float64Array(counts.size);
    let norm = 0;
    let m = 0;
    for (const [i, c] of counts) {
      const v = (1 + Math.log(c)) * this.idf[i];
      idx[m] = i; val[m] = v; norm += v * v; m++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < val.length; j++) val[j] /= norm;
    return { idx, val };
  }

  private scores(x: SparseVector, out: Float64Array): void {
    const k = this.intents.length;
    for (let c = 0; c < k; c++) out[c] = this.bias[c];
    for (let m = 0; m < x.idx.length; m++) {
      const base = x.idx[m] * k;
      const v = x.val[m];
      for (let c = 0; c < k; c++) out[c] += this.weights[base + c] * v;
    }
  }

  predict(tokens: string[], marked?: string[]): Prediction {
    const x = this.vectorise(extractFeatures(tokens, this.features, marked, this.lexicon));
    const probs = new Float64Array(this.intents.length);
    this.scores(x, probs);
    softmaxInPlace(probs);
    const ranking = this.intents
      .map((intent, i) => ({ intent, confidence: probs[i] }))
      .sort((a, b) => b.confidence - a.confidence);
    // Nothing known in the message at all: no evidence for any intent.
    if (x.idx.length === 0) return { intent: 'none', confidence: 0, runnerUp: null, ranking };
    return { intent: ranking[0].intent, confidence: ranking[0].confidence, runnerUp: ranking[1] ?? null, ranking };
  }
}

function softmaxInPlace(v: Float64Array): void {
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < v.length; i++) { v[i] = Math.exp(v[i] - max); sum += v[i]; }
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}

// "Is this question covered?": how close a message comes to the nearest training utterance of the
// intent it was classified as. The classifier always finds *some* intent for a school question,
// even one the FAQ does not answer ("lớp có camera không" shares "lớp … có … không" with many
// covered questions); its topic words, unseen in that intent's utterances, are what give it away.
// Cosine of TF-IDF vectors over syllables and syllable pairs; a feature never seen in training
// keeps its (highest) weight in the message's norm, so unknown topic words lower the similarity
// instead of being ignored as the classifier ignores them.
import type { TrainingExample } from './classifier.ts';

export interface CoverageData {
  intents: string[];
  /** For each feature: the ids and weights of the training utterances that have it. */
  postings: Map<string, { ids: Int32Array; weights: Float64Array }>;
  /** The intent (index into intents) of each training utterance. */
  intentOf: Int32Array;
  idf: Map<string, number>;
  unseenIdf: number;
  /** In how many out-of-scope sentences each word or pair occurs (for keyness). */
  outside: Map<string, number>;
}

function features(tokens: string[]): string[] {
  const out: string[] = [];
  tokens.forEach((t, i) => {
    out.push('w:' + t);
    if (i + 1 < tokens.length) out.push('b:' + t + '_' + tokens[i + 1]);
  });
  return out;
}

function weigh(tokens: string[], idf: (f: string) => number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of features(tokens)) counts.set(f, (counts.get(f) ?? 0) + 1);
  const v = new Map<string, number>();
  let norm = 0;
  for (const [f, c] of counts) {
    const x = (1 + Math.log(c)) * idf(f);
    v.set(f, x);
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [f, x] of v) v.set(f, x / norm);
  return v;
}

export interface Coverage {
  similarity: number;
  explained: number;
  keyness: number;
}

export class CoverageIndex {
  private constructor(private readonly d: CoverageData) {}

  /** One example per utterance (its variants add nothing here: they normalise alike); `outside`: the out-of-scope sentences. */
  static build(examples: TrainingExample[], outsideExamples: TrainingExample[] = []): CoverageIndex {
    const intents = [...new Set(examples.map((e) => e.intent))].sort();
    const intentIndex = new Map(intents.map((n, i) => [n, i]));
    const df = new Map<string, number>();
    for (const e of examples) for (const f of new Set(features(e.tokens))) df.set(f, (df.get(f) ?? 0) + 1);
    const n = examples.length;
    const idf = new Map<string, number>();
    for (const [f, c] of df) idf.set(f, Math.log((1 + n) / (1 + c)) + 1);
    const unseenIdf = Math.log(1 + n) + 1;
    const lists = new Map<string, { ids: number[]; weights: number[] }>();
    examples.forEach((e, id) => {
      for (const [f, w] of weigh(e.tokens, (g) => idf.get(g)!)) {
        let l = lists.get(f);
        if (!l) lists.set(f, (l = { ids: [], weights: [] }));
        l.ids.push(id);
        l.weights.push(w);
      }
    });
    const postings = new Map([...lists].map(([f, l]) => [f, { ids: Int32Array.from(l.ids), weights: Float64Array.from(l.weights) }]));
    const intentOf = Int32Array.from(examples, (e) => intentIndex.get(e.intent)!);
    const outside = new Map<string, number>();
    for (const e of outsideExamples) for (const f of new Set(features(e.tokens))) outside.set(f, (outside.get(f) ?? 0) + 1);
    return new CoverageIndex({ intents, postings, intentOf, idf, unseenIdf, outside });
  }

  toData(): CoverageData {
    return this.d;
  }

  static fromData(d: CoverageData): CoverageIndex {
    return new CoverageIndex(d);
  }

  /**
   * `similarity`: the highest cosine between the message and one training utterance of the intent;
   * `explained`: the share of the message's weight (squared) on words and pairs that some utterance
   * of the intent has; `keyness`: for the message's most telling word or pair, the share of the
   * utterances and out-of-scope sentences having it that belong to the intent ("học phí" is fees'
   * own; "trường", "có", "không" belong to everyone). All 0–1, low when the message's topic words
   * are new to the intent.
   */
  measure(tokens: string[], intent: string): Coverage {
    const target = this.d.intents.indexOf(intent);
    if (target < 0 || tokens.length === 0) return { similarity: 0, explained: 0, keyness: 0 };
    const q = weigh(tokens, (f) => this.d.idf.get(f) ?? this.d.unseenIdf);
    const dots = new Map<number, number>();
    let explained = 0;
    let keyness = 0;
    for (const [f, x] of q) {
      const p = this.d.postings.get(f);
      if (!p) continue;
      let mine = 0;
      for (let j = 0; j < p.ids.length; j++) {
        const id = p.ids[j];
        if (this.d.intentOf[id] !== target) continue;
        mine++;
        dots.set(id, (dots.get(id) ?? 0) + x * p.weights[j]);
      }
      if (mine) explained += x * x;
      keyness = Math.max(keyness, mine / (p.ids.length + (this.d.outside.get(f) ?? 0) + 2)); // +2: a word seen once decides little
    }
    let best = 0;
    for (const s of dots.values()) if (s > best) best = s;
    return { similarity: Math.min(1, best), explained: Math.min(1, explained), keyness };
  }
}

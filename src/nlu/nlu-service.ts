// The NLU step of a turn: language, normalised text, intent with confidence, entities.
// Intents live in the store (seeded from intents/*.yaml); editing one retrains a new model in the
// background and swaps it in whole, so a message never meets a half-trained classifier.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { DocumentRepository, Locale } from '../store/types.ts';
import { formatIssues } from '../core/validation.ts';
import { Worker } from 'node:worker_threads';
import { IntentModel, type ModelData, type TrainingExample } from './classifier.ts';
import { intentSchema, type Intent } from './intent-schema.ts';
import { normalise } from './normalise.ts';
import { augmentVietnamese } from './augment.ts';
import { chooseLocale, detectLanguage } from './language.ts';
import { extractEntities, type Entities } from './entities.ts';

const COLLECTION = 'intents';
export const NONE_INTENT = 'none';

export class IntentError extends Error {}
/** Someone saved the intent since the version an edit started from. */
export class StaleIntentError extends Error {}

/** When to say "I don't know" rather than guess: tuned with `npm run nlu -- cv`. */
export const REJECTION = { minConfidence: 0.35, minMargin: 0.08 };

export interface NluResult {
  text: string;
  normalised: string;
  language: Locale;
  /** The language the text itself shows, null when it is too short to tell. */
  detectedLanguage: Locale | null;
  intent: string;
  /** The classifier's best guess before rejection. */
  candidate: string;
  confidence: number;
  runnerUp: { intent: string; confidence: number } | null;
  /** True when the best guess was below the threshold or too close to the runner-up. */
  rejected: boolean;
  entities: Entities;
}

export function parseIntent(value: unknown): Intent {
  const result = intentSchema.safeParse(value);
  if (!result.success) throw new IntentError(`invalid intent: ${formatIssues(result.error)}`);
  return result.data;
}

export function readIntentDir(dir: string): Intent[] {
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => {
    try {
      return parseIntent(YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    } catch (err) {
      throw new IntentError(`${path.join(dir, f)}: ${(err as Error).message}`);
    }
  });
}

export function trainingExamples(intents: Intent[]): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (const intent of intents) {
    if (intent.enabled === false) continue;
    const seen = new Set<string>();
    const add = (text: string) => {
      const tokens = normalise(text).tokens;
      const key = tokens.join(' ');
      if (!key || seen.has(key)) return;
      seen.add(key);
      examples.push({ intent: intent.id, tokens });
    };
    for (const u of intent.utterances.vi) augmentVietnamese(u).forEach(add);
    for (const u of intent.utterances.en) add(u);
  }
  return examples;
}

export function trainModel(intents: Intent[]): IntentModel {
  return IntentModel.train(trainingExamples(intents));
}

/** Trains in a worker thread; falls back to this thread if a worker cannot start. */
export function trainInBackground(intents: Intent[]): Promise<IntentModel> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./train-worker.mjs', import.meta.url), { workerData: { intents } });
    } catch {
      setImmediate(() => resolve(trainModel(intents)));
      return;
    }
    worker.once('message', (data: ModelData) => {
      resolve(IntentModel.fromData(data));
      void worker.terminate();
    });
    worker.once('error', () => resolve(trainModel(intents)));
  });
}

export interface ClassifyOutcome {
  intent: string;
  /** The classifier's best guess before rejection (equals intent unless rejected). */
  candidate: string;
  confidence: number;
  runnerUp: { intent: string; confidence: number } | null;
  rejected: boolean;
}

/** Greetings and thanks often open or close a real question ("chào cô, học phí bao nhiêu"). */
const SOCIAL = new Set(['greeting', 'thanks']);

export function classify(model: IntentModel, text: string): ClassifyOutcome & { normalised: string } {
  const { tokens, text: normalised } = normalise(text, { vocabulary: model.vocabulary });
  let p = model.predict(tokens);
  if (SOCIAL.has(p.intent) && p.runnerUp && !SOCIAL.has(p.runnerUp.intent) && p.runnerUp.intent !== NONE_INTENT && p.runnerUp.confidence >= 0.2) {
    // The question is what needs an answer; the greeting is courtesy.
    const [first, second, ...rest] = p.ranking;
    p = { intent: second.intent, confidence: second.confidence + first.confidence, runnerUp: rest[0] ?? null, ranking: [second, ...rest] };
  }
  const margin = p.confidence - (p.runnerUp?.confidence ?? 0);
  const rejected = p.intent !== NONE_INTENT && (p.confidence < REJECTION.minConfidence || margin < REJECTION.minMargin);
  return {
    intent: rejected ? NONE_INTENT : p.intent,
    candidate: p.intent,
    confidence: p.confidence,
    runnerUp: p.runnerUp,
    rejected,
    normalised,
  };
}

export interface NluContext {
  today: string;
  classes: { id: string; name: string }[];
  rememberedLanguage: Locale | null;
}

export class NluService {
  private model: IntentModel;
  private intents: Map<string, Intent>;
  private trainingDone: Promise<void> = Promise.resolve();
  private version = 0;
  private retrainsPending = 0;
  /** When the model in use finished training. */
  trainedAt: string = new Date().toISOString();
  /** Changes with every intent edit (answers, handlers and buttons may have changed). */
  revision = 0;

  private constructor(intents: Intent[], private readonly documents: DocumentRepository) {
    this.intents = new Map(intents.map((i) => [i.id, i]));
    this.model = trainModel(intents);
  }

  /** Loads intents from the store, seeding it from the folder the first time. */
  static async open(documents: DocumentRepository, seedDir: string, now = new Date()): Promise<NluService> {
    let stored = await documents.list<unknown>(COLLECTION);
    if (stored.length === 0) {
      for (const intent of readIntentDir(seedDir)) await documents.put(COLLECTION, intent.id, intent, now.toISOString());
      stored = await documents.list<unknown>(COLLECTION);
    }
    return new NluService(stored.map((s) => parseIntent(s.value)), documents);
  }

  listIntents(): Intent[] {
    return [...this.intents.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  getIntent(id: string): Intent | undefined {
    return this.intents.get(id);
  }

  /**
   * Stores an intent (new or changed) and retrains in the background. With `expectedVersion`, an
   * edit based on an older version than the stored one is refused (StaleIntentError).
   */
  async saveIntent(value: unknown, now = new Date(), expectedVersion?: number): Promise<Intent> {
    return (await this.saveIntents([value], now, expectedVersion === undefined ? undefined : [expectedVersion]))[0];
  }

  /** Stores several intents, all validated first (all or nothing), then retrains once. */
  async saveIntents(values: unknown[], now = new Date(), expectedVersions?: number[]): Promise<Intent[]> {
    const intents = values.map((v, i) => {
      const intent = parseIntent(v);
      const stored = this.intents.get(intent.id);
      if (expectedVersions && (stored?.version ?? 0) !== expectedVersions[i]) throw new StaleIntentError(intent.id);
      return { ...intent, version: (stored?.version ?? 0) + 1 };
    });
    const next = new Map(this.intents);
    for (const intent of intents) next.set(intent.id, intent);
    if ([...next.values()].filter((i) => i.enabled !== false).length < 2) throw new IntentError('Loa needs at least two intents to classify');
    for (const intent of intents) await this.documents.put(COLLECTION, intent.id, intent, now.toISOString());
    this.intents = next;
    this.revision++;
    this.scheduleRetrain();
    return intents;
  }

  /** Whether a retraining is still running: the console shows when the new model is live. */
  get training(): boolean {
    return this.retrainsPending > 0;
  }

  async deleteIntent(id: string): Promise<boolean> {
    if (!this.intents.has(id)) return false;
    if ([...this.intents.values()].filter((i) => i.id !== id && i.enabled !== false).length < 2) throw new IntentError('Loa needs at least two intents to classify');
    await this.documents.delete(COLLECTION, id);
    const next = new Map(this.intents);
    next.delete(id);
    this.intents = next;
    this.revision++;
    this.scheduleRetrain();
    return true;
  }

  /** Resolves once every retraining asked for so far has been swapped in. */
  whenTrained(): Promise<void> {
    return this.trainingDone;
  }

  get modelVersion(): number {
    return this.version;
  }

  private scheduleRetrain(): void {
    const snapshot = [...this.intents.values()];
    this.retrainsPending++;
    // Chained so that two quick edits train in order and the last edit wins.
    this.trainingDone = this.trainingDone.then(async () => {
      try {
        const next = await trainInBackground(snapshot);
        this.model = next; // one assignment: the swap is atomic for every later message
        this.version++;
        this.trainedAt = new Date().toISOString();
      } finally {
        this.retrainsPending--;
      }
    });
  }

  parse(text: string, ctx: NluContext): NluResult {
    const detected = detectLanguage(text).locale;
    const language = chooseLocale(text, ctx.rememberedLanguage);
    const c = classify(this.model, text);
    return {
      text,
      normalised: c.normalised,
      language,
      detectedLanguage: detected,
      intent: c.intent,
      candidate: c.candidate,
      confidence: Math.round(c.confidence * 1000) / 1000,
      runnerUp: c.runnerUp ? { intent: c.runnerUp.intent, confidence: Math.round(c.runnerUp.confidence * 1000) / 1000 } : null,
      rejected: c.rejected,
      entities: extractEntities(text, ctx.today, ctx.classes),
    };
  }
}

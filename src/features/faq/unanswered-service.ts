// What Loa could not answer, as work to do: similar messages grouped and counted (most frequent
// first) with the model's best guesses; each group or message can be added to an intent, turned
// into a new FAQ, or ignored (and stays ignored, also when asked again), and every action undone.
// Resolutions live in the store's documents, keyed by the transcript turn they resolve.
import { randomUUID } from 'node:crypto';
import type { Store, TranscriptTurn } from '../../store/types.ts';
import type { NluService } from '../../nlu/nlu-service.ts';
import { NONE_INTENT } from '../../nlu/nlu-service.ts';
import type { Intent } from '../../nlu/intent-schema.ts';
import { comparable, similarity } from './similarity.ts';

const RESOLVED = 'unanswered_resolved';
const UNDO = 'unanswered_undo';
/** Turns Loa answered with its fallback (or a "did you mean…?"): the ones to learn from. */
const UNANSWERED_HANDLERS = new Set(['fallback', 'clarify']);
/** Messages this alike are one question asked in different words or spellings. */
export const SAME_QUESTION = 0.72;
const WINDOW_DAYS = 90;

export type ResolveAction = 'add_to_intent' | 'new_intent' | 'ignore';

interface Resolution {
  action: ResolveAction;
  undoId: string;
  intentId: string | null;
  /** The normalised text: an ignored question stays ignored when asked again. */
  key: string;
  at: string;
  by: string;
}

interface UndoRecord {
  ids: number[];
  action: ResolveAction;
  intentId: string | null;
  /** Utterances added by this action, to take back out. */
  added: { vi: string[]; en: string[] };
  createdIntent: boolean;
  at: string;
}

export interface UnansweredMessage {
  id: number;
  text: string;
  at: string;
  locale: 'vi' | 'en';
  guess: { intent: string; confidence: number };
}

export interface UnansweredGroup {
  key: string;
  sample: string;
  count: number;
  lastAt: string;
  messages: UnansweredMessage[];
  guesses: { intent: string; confidence: number }[];
}

export class UnansweredError extends Error {
  constructor(readonly code: 'no_questions' | 'no_intent' | 'no_undo' | 'intent_exists' | 'invalid', readonly vars: Record<string, unknown> = {}) {
    super(code);
  }
}

export interface NewIntentInput {
  id: string;
  description?: string;
  answer: { vi: string; en?: string };
}

export class UnansweredService {
  constructor(private readonly deps: { store: Store; nlu: NluService; clock: () => Date; today: () => string }) {}

  private async turns(): Promise<TranscriptTurn[]> {
    const since = new Date(this.deps.clock().getTime() - WINDOW_DAYS * 86_400_000).toISOString();
    const turns = await this.deps.store.transcript.list({ answered: false, since, limit: 10_000 });
    return turns.filter((t) => UNANSWERED_HANDLERS.has(t.handler) && t.text.trim() !== '' && t.id !== undefined);
  }

  /**
   * Messages still waiting: not resolved, and not a question someone chose to ignore. `visible`
   * limits them to some parents (staff who look after some classes), null for everyone's.
   */
  async pending(visible: Set<string> | null = null): Promise<TranscriptTurn[]> {
    const resolved = await this.deps.store.documents.list<Resolution>(RESOLVED);
    const done = new Set(resolved.map((r) => r.id));
    const ignored = new Set(resolved.filter((r) => r.value.action === 'ignore').map((r) => r.value.key));
    return (await this.turns()).filter((t) => !done.has(String(t.id)) && !ignored.has(comparable(t.text))
      && (!visible || (t.contactId !== null && visible.has(t.contactId))));
  }

  async count(visible: Set<string> | null = null): Promise<number> {
    return (await this.pending(visible)).length;
  }

  async groups(limit = 200, visible: Set<string> | null = null): Promise<{ groups: UnansweredGroup[]; total: number }> {
    const pending = (await this.pending(visible)).reverse(); // newest first: a group's sample is its latest wording
    const groups: (UnansweredGroup & { text: string })[] = [];
    const ctx = { today: this.deps.today(), classes: [], rememberedLanguage: null };
    for (const turn of pending) {
      const text = comparable(turn.text);
      const parsed = this.deps.nlu.parse(turn.text, ctx);
      const message: UnansweredMessage = { id: turn.id!, text: turn.text, at: turn.at, locale: turn.locale, guess: { intent: parsed.candidate, confidence: parsed.confidence } };
      const runnerUp = parsed.runnerUp;
      let group = groups.find((g) => similarity(g.text, text) >= SAME_QUESTION);
      if (!group) {
        group = { key: text || `#${turn.id}`, text, sample: turn.text, count: 0, lastAt: turn.at, messages: [], guesses: [] };
        groups.push(group);
      }
      group.count++;
      group.messages.push(message);
      for (const g of [message.guess, ...(runnerUp ? [runnerUp] : [])]) {
        if (g.intent === NONE_INTENT) continue;
        const known = group.guesses.find((x) => x.intent === g.intent);
        if (known) known.confidence += g.confidence;
        else group.guesses.push({ intent: g.intent, confidence: g.confidence });
      }
    }
    const out = groups.map(({ text: _t, ...g }) => ({
      ...g,
      // The average confidence over the group's messages, best first: the intents to offer first.
      guesses: g.guesses.map((x) => ({ intent: x.intent, confidence: Math.round((x.confidence / g.count) * 1000) / 1000 }))
        .sort((a, b) => b.confidence - a.confidence).slice(0, 3),
    }));
    out.sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt));
    return { groups: out.slice(0, limit), total: pending.length };
  }

  async resolve(ids: number[], action: ResolveAction, by: string, options: { intentId?: string; intent?: NewIntentInput } = {}): Promise<{ undoId: string; intentId: string | null }> {
    const wanted = new Set(ids);
    const turns = (await this.pending()).filter((t) => wanted.has(t.id!));
    if (turns.length === 0) throw new UnansweredError('no_questions');
    const now = this.deps.clock().toISOString();
    const { nlu } = this.deps;
    const added = { vi: [] as string[], en: [] as string[] };
    let intentId: string | null = null;
    let createdIntent = false;

    if (action === 'add_to_intent' || (action === 'new_intent' && !options.intent)) {
      const current = options.intentId ? nlu.getIntent(options.intentId) : undefined;
      if (!current) throw new UnansweredError('no_intent', { id: options.intentId ?? '' });
      intentId = current.id;
      const next = withUtterances(current, turns, added);
      if (added.vi.length || added.en.length) await nlu.saveIntent(next, this.deps.clock());
    } else if (action === 'new_intent') {
      const input = options.intent!;
      if (nlu.getIntent(input.id)) throw new UnansweredError('intent_exists', { id: input.id });
      const draft: Intent = {
        id: input.id, description: input.description ?? '', utterances: { vi: [], en: [] },
        texts: { vi: input.answer.vi, ...(input.answer.en ? { en: input.answer.en } : {}) }, quickReplies: [], enabled: true, version: 0,
      };
      const next = withUtterances(draft, turns, added);
      // An English-only question still needs a Vietnamese utterance to train on: its text serves.
      if (next.utterances.vi.length === 0) next.utterances.vi = [...next.utterances.en];
      await nlu.saveIntent(next, this.deps.clock());
      intentId = input.id;
      createdIntent = true;
    }

    const undoId = randomUUID();
    for (const t of turns) {
      await this.deps.store.documents.put(RESOLVED, String(t.id), { action, undoId, intentId, key: comparable(t.text), at: now, by } satisfies Resolution, now);
    }
    await this.deps.store.documents.put(UNDO, undoId, { ids: turns.map((t) => t.id!), action, intentId, added, createdIntent, at: now } satisfies UndoRecord, now);
    await this.deps.store.flush();
    return { undoId, intentId };
  }

  /** Takes an action back: the messages wait again, added utterances leave, a created FAQ goes. */
  async undo(undoId: string): Promise<UndoRecord> {
    const record = await this.deps.store.documents.get<UndoRecord>(UNDO, undoId);
    if (!record) throw new UnansweredError('no_undo');
    const { nlu } = this.deps;
    const intent = record.intentId ? nlu.getIntent(record.intentId) : undefined;
    if (intent && record.createdIntent) {
      await nlu.deleteIntent(intent.id);
    } else if (intent && (record.added.vi.length || record.added.en.length)) {
      const drop = (list: string[], gone: string[]) => list.filter((u) => !gone.includes(u));
      const vi = drop(intent.utterances.vi, record.added.vi);
      await nlu.saveIntent({ ...intent, utterances: { vi: vi.length ? vi : intent.utterances.vi, en: drop(intent.utterances.en, record.added.en) } }, this.deps.clock());
    }
    for (const id of record.ids) await this.deps.store.documents.delete(RESOLVED, String(id));
    await this.deps.store.documents.delete(UNDO, undoId);
    await this.deps.store.flush();
    return record;
  }
}

/** The intent with the messages added as utterances in their language (each once). */
function withUtterances(intent: Intent, turns: TranscriptTurn[], added: { vi: string[]; en: string[] }): Intent {
  const utterances = { vi: [...intent.utterances.vi], en: [...intent.utterances.en] };
  for (const t of turns) {
    const text = t.text.trim().slice(0, 500);
    const lang = t.locale === 'en' ? 'en' : 'vi';
    if (!utterances[lang].includes(text)) {
      utterances[lang].push(text);
      added[lang].push(text);
    }
  }
  return { ...intent, utterances };
}

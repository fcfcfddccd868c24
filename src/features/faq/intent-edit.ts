// One way to turn what a person edited (the console's form, a CSV or Botpress import) into a
// stored intent: what stays unsaid keeps its current value, answer texts equal to the locales
// file's are not stored (the file keeps answering), and a handler intent keeps its handler.
import type { Intent } from '../../nlu/intent-schema.ts';
import type { Locale } from '../../store/types.ts';
import { LOCALES } from '../../i18n.ts';

export interface IntentDraft {
  description?: string;
  utterances: { vi: string[]; en: string[] };
  /** A locales key, or texts per language. */
  answer?: string | { vi?: string | null; en?: string | null };
  handler?: string;
  quickReplies?: string[];
  /** Button text per language; null or '' removes it. */
  title?: { vi?: string | null; en?: string | null };
  enabled?: boolean;
}

export interface IntentEditDeps {
  knowsHandler: (name: string) => boolean;
  answerExists: (key: string) => boolean;
  localeText: (key: string, lng: Locale) => string | undefined;
}

/** What is wrong with a draft: an errors.json key, its values, and the field it is about. */
export class IntentEditError extends Error {
  constructor(readonly key: string, readonly field: string, readonly vars: Record<string, unknown> = {}) {
    super(key);
  }
}

export function mergeIntent(id: string, draft: IntentDraft, current: Intent | undefined, deps: IntentEditDeps): Intent {
  const handler = draft.handler ?? (typeof draft.answer === 'string' ? undefined : current?.handler);
  if (handler && !deps.knowsHandler(handler)) throw new IntentEditError('unknown_handler', 'handler', { handler });
  let answer = typeof draft.answer === 'string' ? draft.answer : handler ? undefined : current?.answer;
  if (typeof draft.answer === 'string' && !deps.answerExists(draft.answer)) throw new IntentEditError('field.invalid', 'answer');
  let texts = handler || typeof draft.answer === 'string' ? undefined : current?.texts;
  if (draft.answer && typeof draft.answer === 'object' && !handler) {
    const next: { vi?: string; en?: string } = { ...texts };
    for (const lng of LOCALES) {
      if (draft.answer[lng] === undefined) continue; // not given: unchanged
      const value = draft.answer[lng]?.trim();
      if (value && value !== (answer ? deps.localeText(answer, lng) : undefined)) next[lng] = value;
      else delete next[lng];
    }
    texts = next.vi || next.en ? next : undefined;
  }
  if (!handler && !answer && !texts?.vi) throw new IntentEditError('field.required', 'answer.vi');
  if (handler) answer = undefined;
  return {
    id,
    description: draft.description ?? current?.description ?? '',
    utterances: draft.utterances,
    ...(answer ? { answer } : {}),
    ...(handler ? { handler } : {}),
    ...(texts ? { texts } : {}),
    ...titleOf(draft.title, current?.title),
    quickReplies: draft.quickReplies ?? current?.quickReplies ?? [],
    enabled: draft.enabled ?? current?.enabled ?? true,
    version: current?.version ?? 0,
  };
}

/** The button text after an edit: given languages replace, null or '' removes, unsaid ones stay. */
function titleOf(given: IntentDraft['title'], current: Intent['title']): { title?: Intent['title'] } {
  const next: { vi?: string; en?: string } = { ...current };
  for (const lng of LOCALES) {
    if (given?.[lng] === undefined) continue;
    const value = given[lng]?.trim();
    if (value) next[lng] = value;
    else delete next[lng];
  }
  return next.vi || next.en ? { title: next } : {};
}

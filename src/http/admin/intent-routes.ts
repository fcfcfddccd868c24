// The FAQ in the console: intents with their utterances, answer texts (stored texts win over
// locales/), quick replies, on/off, stale-edit protection, retraining status, warnings while
// typing an utterance, and "Try it" (the real bot on a store it cannot write to).
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Locale, Store } from '../../store/types.ts';
import type { NluService } from '../../nlu/nlu-service.ts';
import { IntentError, NONE_INTENT, StaleIntentError } from '../../nlu/nlu-service.ts';
import type { Intent } from '../../nlu/intent-schema.ts';
import type { SchoolService } from '../../school/school-service.ts';
import type { Bot } from '../../core/bot.ts';
import { present } from '../chat-routes.ts';
import { todayIn } from '../../core/dates.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';
import { LOCALES } from '../../i18n.ts';
import { intentButtonTitle, placeholders } from '../../features/faq/answer-texts.ts';
import { dryRunStore } from '../../features/faq/dry-run-store.ts';
import { IntentEditError, mergeIntent } from '../../features/faq/intent-edit.ts';
import { comparable, NEAR_DUPLICATE, similarity } from '../../features/faq/similarity.ts';
import { requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { consoleError, invalidFields, parseInput } from '../errors.ts';

export interface IntentRouteDeps {
  store: Store;
  nlu: NluService;
  school: SchoolService;
  bot: Bot;
  audit: Audit;
  clock: () => Date;
  timeZone: string;
  answerExists: (key: string) => boolean;
  /** A raw locales text (before placeholders), or undefined. */
  localeText: (key: string, lng: Locale) => string | undefined;
}

/** Pasted lists arrive as many lines: every non-empty line is one utterance, none lost, no repeats. */
const lines = z.array(z.string().max(20_000)).transform((list) => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of list.flatMap((l) => l.split(/\r?\n/))) {
    const t = line.trim();
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}).pipe(z.array(z.string().max(500)));

const quickReply = z.union([z.string().min(1), z.object({ title: z.string().optional(), payload: z.string().min(1) })])
  .transform((q) => (typeof q === 'string' ? q : q.payload).replace(/^intent:/, ''));

const intentInput = z.object({
  description: z.string().trim().max(500).optional(),
  utterances: z.object({ vi: lines.pipe(z.array(z.string()).min(1)), en: lines.default([]) }),
  /** A locales key (scripts, YAML) or the texts per language (the console). */
  answer: z.union([z.string().min(1), z.object({ vi: z.string().trim().max(4000).nullish(), en: z.string().trim().max(4000).nullish() })]).optional(),
  handler: z.string().min(1).optional(),
  quickReplies: z.array(quickReply).max(13).optional(),
  /** The button text parents see when another answer offers this one. */
  title: z.object({ vi: z.string().trim().max(40).nullish(), en: z.string().trim().max(40).nullish() }).optional(),
  enabled: z.boolean().optional(),
  version: z.number().int().min(0).optional(),
});
const newIntentInput = intentInput.extend({ id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and underscores, starting with a letter').max(60) });

type IntentInput = z.infer<typeof intentInput>;

const folded = (s: string) => foldDiacritics(s.toLowerCase());

export function intentRoutes(deps: IntentRouteDeps): Router {
  const { nlu, school, bot, audit, clock } = deps;
  const router = Router();

  const fileText = (i: Intent, lng: Locale) => (i.answer ? deps.localeText(i.answer, lng) ?? null : null);
  /** The text written for a language (edited, else the locales file's); null when there is none yet. */
  const effective = (i: Intent, lng: Locale) => (i.handler ? null : i.texts?.[lng] ?? fileText(i, lng));
  const summary = (i: Intent) => ({
    id: i.id, description: i.description, enabled: i.enabled !== false,
    utterances: { vi: i.utterances.vi.length, en: i.utterances.en.length },
    answers: { vi: Boolean(i.handler) || Boolean(effective(i, 'vi')), en: Boolean(i.handler) || Boolean(effective(i, 'en')) },
    ...(i.handler ? { handler: i.handler } : {}), version: i.version,
  });
  const detail = (i: Intent, lng: Locale) => ({
    id: i.id, description: i.description, enabled: i.enabled !== false,
    utterances: i.utterances,
    answer: { vi: effective(i, 'vi'), en: effective(i, 'en') },
    answerKey: i.answer ?? null,
    answerSource: Object.fromEntries(LOCALES.map((l) => [l, i.handler ? 'handler' : i.texts?.[l] ? 'store' : 'file'])),
    title: { vi: deps.localeText(`quick.${i.id}`, 'vi') ?? i.title?.vi ?? null, en: deps.localeText(`quick.${i.id}`, 'en') ?? i.title?.en ?? null },
    quickReplies: i.quickReplies.map((id) => {
      const target = nlu.getIntent(id);
      return { title: deps.localeText(`quick.${id}`, lng) ?? (target ? intentButtonTitle(target, lng) : id), payload: `intent:${id}` };
    }),
    ...(i.handler ? { handler: i.handler } : {}),
    version: i.version,
  });
  const localeOf = (req: { get(h: string): string | undefined }): Locale => (/^en/i.test(req.get('accept-language') ?? '') ? 'en' : 'vi');

  /** The console's form → a stored intent (what stays unsaid keeps its current value). */
  const toIntent = (id: string, input: IntentInput, current: Intent | undefined): Intent => {
    try {
      return mergeIntent(id, input, current, { knowsHandler: (h) => bot.knowsHandler(h), answerExists: deps.answerExists, localeText: deps.localeText });
    } catch (err) {
      if (!(err instanceof IntentEditError)) throw err;
      if (err.key === 'unknown_handler') throw consoleError(400, 'unknown_handler', err.vars);
      throw invalidFields([{ code: 'custom', path: err.field.split('.'), message: err.key }]);
    }
  };

  const save = async (intent: Intent, expectedVersion?: number) => {
    try {
      return await nlu.saveIntent(intent, clock(), expectedVersion);
    } catch (err) {
      if (err instanceof StaleIntentError) throw consoleError(409, 'stale', undefined, { current: nlu.getIntent(intent.id)?.version });
      if (err instanceof IntentError) throw consoleError(400, 'min_intents');
      throw err;
    }
  };

  router.get('/intents', requireRole('admin', 'principal', 'staff', 'viewer'), (req, res) => {
    const q = typeof req.query.q === 'string' ? folded(req.query.q.trim()) : '';
    const matches = (i: Intent) => !q || [i.id, i.description, ...i.utterances.vi, ...i.utterances.en].some((s) => folded(s).includes(q));
    // The placeholders too: a new FAQ's answer may use them before it has an id.
    res.json({ intents: nlu.listIntents().filter(matches).map(summary), placeholders: placeholders(school, localeOf(req)) });
  });

  router.get('/intents/:id', requireRole('admin', 'principal', 'staff', 'viewer'), (req, res) => {
    const intent = nlu.getIntent(String(req.params.id));
    if (!intent) throw consoleError(404, 'no_intent', { id: req.params.id });
    res.json({ intent: detail(intent, localeOf(req)), placeholders: placeholders(school, localeOf(req)) });
  });

  router.post('/intents', requireRole('admin'), async (req, res) => {
    const input = parseInput(newIntentInput, req.body);
    if (nlu.getIntent(input.id)) throw consoleError(409, 'intent_exists', { id: input.id });
    const intent = await save(toIntent(input.id, input, undefined));
    await audit(req, 'intent.create', `intent:${intent.id}`, intent);
    res.status(201).json({ intent: detail(intent, localeOf(req)), training: true });
  });

  router.put('/intents/:id', requireRole('admin'), async (req, res) => {
    const id = String(req.params.id);
    const current = nlu.getIntent(id);
    const input = parseInput(current ? intentInput : newIntentInput, { ...(req.body as object), id });
    const intent = await save(toIntent(id, input, current), input.version);
    await audit(req, current ? 'intent.update' : 'intent.create', `intent:${intent.id}`, intent);
    res.json({ intent: detail(intent, localeOf(req)), training: true });
  });

  router.patch('/intents/:id', requireRole('admin'), async (req, res) => {
    const id = String(req.params.id);
    const current = nlu.getIntent(id);
    if (!current) throw consoleError(404, 'no_intent', { id });
    const body = parseInput(z.object({ enabled: z.boolean(), version: z.number().int().min(0).optional() }).strict(), req.body);
    // "none" is how Loa knows what it cannot answer: it stays on.
    if (id === NONE_INTENT && !body.enabled) throw consoleError(400, 'min_intents');
    const intent = await save({ ...current, enabled: body.enabled }, body.version);
    await audit(req, body.enabled ? 'intent.enable' : 'intent.disable', `intent:${id}`);
    res.json({ intent: detail(intent, localeOf(req)), training: true });
  });

  router.delete('/intents/:id', requireRole('admin'), async (req, res) => {
    const id = String(req.params.id);
    try {
      if (!(await nlu.deleteIntent(id))) throw consoleError(404, 'no_intent', { id });
    } catch (err) {
      if (err instanceof IntentError) throw consoleError(400, 'min_intents');
      throw err;
    }
    await audit(req, 'intent.delete', `intent:${id}`);
    res.status(204).end();
  });

  router.get('/nlu/status', requireRole('admin', 'principal', 'staff', 'viewer'), (_req, res) => {
    res.json({ modelVersion: nlu.modelVersion, training: nlu.training, trainedAt: nlu.trainedAt });
  });

  // While an utterance is typed: does the model send it elsewhere, or does another intent have it?
  router.post('/nlu/check', requireRole('admin', 'principal', 'staff', 'viewer'), (req, res) => {
    const body = parseInput(z.object({ intentId: z.string().max(60).default(''), text: z.string().trim().min(1).max(500), language: z.enum(['vi', 'en']).optional() }), req.body);
    const warnings: { kind: 'model' | 'near_duplicate'; intent: string; utterance?: string; confidence?: number; similarity?: number }[] = [];
    const parsed = nlu.parse(body.text, { today: todayIn(deps.timeZone, clock()), classes: school.get('classes'), rememberedLanguage: body.language ?? null });
    if (parsed.candidate !== body.intentId && parsed.candidate !== NONE_INTENT && !parsed.rejected) {
      warnings.push({ kind: 'model', intent: parsed.candidate, confidence: parsed.confidence });
    }
    const mine = comparable(body.text);
    const near: { intent: string; utterance: string; similarity: number }[] = [];
    for (const other of nlu.listIntents()) {
      if (other.id === body.intentId) continue;
      for (const u of [...other.utterances.vi, ...other.utterances.en]) {
        const s = similarity(mine, comparable(u));
        if (s >= NEAR_DUPLICATE) near.push({ intent: other.id, utterance: u, similarity: Math.round(s * 100) / 100 });
      }
    }
    near.sort((a, b) => b.similarity - a.similarity);
    for (const n of near.slice(0, 3)) warnings.push({ kind: 'near_duplicate', ...n });
    res.json({ warnings });
  });

  // "Thử ngay / Try it": the answer exactly as a parent would get it now, with nothing written.
  router.post('/try', requireRole('admin', 'principal', 'staff', 'viewer'), async (req, res) => {
    const body = parseInput(z.object({ text: z.string().trim().min(1).max(2000) }), req.body);
    const now = clock();
    const parsed = nlu.parse(body.text, { today: todayIn(deps.timeZone, now), classes: school.get('classes'), rememberedLanguage: null });
    const user = `try-${randomUUID()}`;
    const result = await bot.sandbox(dryRunStore(deps.store, clock)).runTurn({
      type: 'text', ref: { channel: 'webchat', accountId: 'try', userId: user, threadId: user, threadType: 'user' },
      messageId: user, timestamp: now.toISOString(), text: body.text, raw: null,
    });
    res.json({
      intent: parsed.intent, candidate: parsed.candidate, confidence: parsed.confidence, runnerUp: parsed.runnerUp, rejected: parsed.rejected,
      language: result.locale, handler: result.handler, answered: result.answered, replies: result.replies.map(present),
    });
  });

  return router;
}

// FAQ import and export: YAML, CSV, Botpress v12 Q&A. An import is checked whole first and
// lists every bad row with its line number; it applies all or nothing.
import express, { Router } from 'express';
import type { Locale } from '../../store/types.ts';
import type { NluService } from '../../nlu/nlu-service.ts';
import { IntentError } from '../../nlu/nlu-service.ts';
import { intentSchema, type Intent } from '../../nlu/intent-schema.ts';
import type { Bot } from '../../core/bot.ts';
import { IntentEditError, mergeIntent } from '../../features/faq/intent-edit.ts';
import { FORMATS, fromBotpress, fromCsv, fromYaml, toBotpress, toCsv, toYaml, type ImportProblem, type IntentFormat } from '../../features/faq/intent-io.ts';
import { requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { consoleError } from '../errors.ts';
import { errorT, issueText, requestLocale } from '../error-texts.ts';

export interface IntentIoDeps {
  nlu: NluService;
  bot: Bot;
  audit: Audit;
  clock: () => Date;
  answerExists: (key: string) => boolean;
  localeText: (key: string, lng: Locale) => string | undefined;
}

const IMPORT_LIMIT = '5mb';
const CONTENT_TYPES: Record<IntentFormat, string> = { yaml: 'application/yaml', csv: 'text/csv', botpress: 'application/json' };

export function intentIoRoutes(deps: IntentIoDeps): Router {
  const { nlu } = deps;
  const router = Router();
  const formatOf = (v: unknown): IntentFormat => {
    const f = String(v ?? 'yaml').toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f)) throw consoleError(400, 'bad_format', { format: f });
    return f as IntentFormat;
  };
  // What is written for the language (no fallback to the other one: an export must read back unchanged).
  const answerOf = (i: Intent, lng: Locale) => (i.handler ? null : i.texts?.[lng] ?? (i.answer ? deps.localeText(i.answer, lng) ?? null : null));

  router.get('/intents/export', requireRole('admin', 'principal', 'staff', 'viewer'), (req, res) => {
    const format = formatOf(req.query.format);
    const intents = nlu.listIntents();
    const body = format === 'csv' ? toCsv(intents, answerOf) : format === 'botpress' ? toBotpress(intents, answerOf) : toYaml(intents);
    const ext = format === 'botpress' ? 'json' : format;
    res.set('content-type', `${CONTENT_TYPES[format]}; charset=utf-8`);
    res.set('content-disposition', `attachment; filename="loa-faq.${format === 'botpress' ? 'botpress.' : ''}${ext}"`);
    res.send(body);
  });

  router.post('/intents/import', requireRole('admin'),
    express.text({ type: ['text/*', 'application/yaml', 'application/x-yaml', 'application/csv'], limit: IMPORT_LIMIT }),
    async (req, res) => {
      const format = formatOf(req.query.format);
      const dryRun = ['1', 'true'].includes(String(req.query.dryRun ?? ''));
      // A JSON body was already parsed by express.json: read it back as text, lines and all.
      const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? null, null, 2);
      const read = format === 'csv' ? fromCsv(text) : format === 'botpress' ? fromBotpress(text) : fromYaml(text);
      const problems: ImportProblem[] = [...read.problems];
      const intents: Intent[] = [];
      const seen = new Set<string>();
      let created = 0;
      for (const { line, id, draft } of read.drafts) {
        if (seen.has(id)) {
          problems.push({ line, key: 'import.duplicate', vars: { id } });
          continue;
        }
        seen.add(id);
        const current = nlu.getIntent(id);
        // A CSV with only answer rows for an intent keeps its utterances.
        if (current && draft.utterances.vi.length === 0 && draft.utterances.en.length === 0) draft.utterances = current.utterances;
        if (current?.handler && draft.answer && typeof draft.answer === 'object' && (draft.answer.vi || draft.answer.en) && !draft.handler) {
          problems.push({ line, key: 'import.handler_answer', vars: { id } });
          continue;
        }
        let merged: Intent;
        try {
          merged = mergeIntent(id, draft, current, { knowsHandler: (h) => deps.bot.knowsHandler(h), answerExists: deps.answerExists, localeText: deps.localeText });
        } catch (err) {
          if (!(err instanceof IntentEditError)) throw err;
          problems.push(err.key === 'unknown_handler'
            ? { line, key: 'import.unknown_handler', vars: { id, ...err.vars } }
            : { line, key: 'import.field', vars: { id, field: err.field, messageKey: err.key } });
          continue;
        }
        const checked = intentSchema.safeParse(merged);
        if (!checked.success) {
          for (const issue of checked.error.issues.slice(0, 3)) problems.push({ line, key: 'import.field', vars: { id, field: issue.path.join('.'), issue } });
          continue;
        }
        if (!current) created++;
        intents.push(checked.data);
      }
      const t = errorT(requestLocale(req));
      const say = (p: ImportProblem) => {
        const vars = { ...p.vars } as Record<string, unknown>;
        if (vars.issue) vars.message = issueText(vars.issue as Parameters<typeof issueText>[0], t);
        if (vars.messageKey) vars.message = t(String(vars.messageKey));
        return { line: p.line, message: t(p.key, vars) };
      };
      if (read.drafts.length === 0 && problems.length === 0) problems.push({ line: 1, key: format === 'csv' ? 'import.csv_header' : format === 'botpress' ? 'import.botpress_shape' : 'import.yaml', vars: { columns: 'intent,type,language,text', reason: '—' } });
      if (problems.length) {
        problems.sort((a, b) => a.line - b.line);
        res.status(400).json({
          ok: false, errors: problems.map(say), created: 0, updated: 0,
          error: { code: 'import_invalid', message: t('import_invalid') },
        });
        return;
      }
      const summary = { ok: true, errors: [], created, updated: intents.length - created, dryRun };
      if (dryRun) {
        res.json(summary);
        return;
      }
      try {
        await nlu.saveIntents(intents, deps.clock());
      } catch (err) {
        if (err instanceof IntentError) throw consoleError(400, 'min_intents');
        throw err;
      }
      await deps.audit(req, 'intent.import', `intents:${format}`, { ids: intents.map((i) => i.id), created, updated: summary.updated });
      res.json({ ...summary, training: true });
    });

  return router;
}

// Unanswered questions: grouped, counted, resolved (add to an intent, new FAQ, ignore), undone.
import { Router } from 'express';
import { z } from '@botpress/sdk';
import { UnansweredError, type UnansweredService } from '../../features/faq/unanswered-service.ts';
import { IntentError } from '../../nlu/nlu-service.ts';
import type { User } from '../../store/types.ts';
import { currentUser, requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { consoleError, parseInput } from '../errors.ts';

const STATUS = { no_questions: 404, no_intent: 404, no_undo: 404, intent_exists: 409, invalid: 400 } as const;

const resolveBody = z.object({
  ids: z.array(z.coerce.number().int().positive()).min(1).max(1000), // numbers, or their digits from a form
  action: z.enum(['add_to_intent', 'new_intent', 'ignore']),
  intentId: z.string().max(60).optional(),
  /** For a new FAQ made from the messages: its id and answer (the messages become its utterances). */
  intent: z.object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and underscores, starting with a letter').max(60),
    description: z.string().trim().max(500).optional(),
    answer: z.object({ vi: z.string().trim().min(1).max(4000), en: z.string().trim().max(4000).optional() }),
  }).optional(),
}).strict();

export interface UnansweredRouteDeps {
  unanswered: UnansweredService;
  audit: Audit;
  /** The parents a user may see (staff limited to classes), null for all: their questions only. */
  visibleContacts?: (user: User) => Promise<Set<string> | null>;
}

export function unansweredRoutes(deps: UnansweredRouteDeps): Router {
  const { unanswered, audit } = deps;
  const router = Router();
  const guard = async <T>(fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UnansweredError) throw consoleError(STATUS[err.code], err.code, err.vars);
      if (err instanceof IntentError) throw consoleError(400, 'invalid');
      throw err;
    }
  };

  const visibleTo = async (user: User) => (deps.visibleContacts ? deps.visibleContacts(user) : null);

  router.get('/questions/unanswered/count', async (req, res) => {
    res.json({ count: await unanswered.count(await visibleTo(currentUser(req))) });
  });

  router.get('/questions/unanswered/groups', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 200, 1), 1000);
    res.json(await unanswered.groups(limit, await visibleTo(currentUser(req))));
  });

  router.post('/questions/unanswered/resolve', requireRole('admin', 'principal'), async (req, res) => {
    const body = parseInput(resolveBody, req.body);
    if (body.action === 'add_to_intent' && !body.intentId) throw consoleError(404, 'no_intent', { id: '' });
    const user = currentUser(req);
    const result = await guard(() => unanswered.resolve(body.ids, body.action, `${user.name} (${user.id})`, { intentId: body.intentId, intent: body.intent }));
    await audit(req, `unanswered.${body.action}`, result.intentId ? `intent:${result.intentId}` : 'unanswered', { ids: body.ids, undoId: result.undoId });
    res.json({ ...result, training: body.action !== 'ignore' });
  });

  router.post('/questions/unanswered/undo', requireRole('admin', 'principal'), async (req, res) => {
    const body = parseInput(z.object({ undoId: z.string().min(1).max(100) }).strict(), req.body);
    const record = await guard(() => unanswered.undo(body.undoId));
    await audit(req, 'unanswered.undo', record.intentId ? `intent:${record.intentId}` : 'unanswered', { undoId: body.undoId, action: record.action, ids: record.ids });
    res.json({ ok: true, ids: record.ids });
  });

  return router;
}

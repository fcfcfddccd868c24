// Case handling for comments, the absence list, staff link codes, and reports.
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Comment, CommentFilter, Store } from '../../store/types.ts';
import { COMMENT_STATUSES, ROLES } from '../../store/types.ts';
import type { SchoolService } from '../../school/school-service.ts';
import type { CommentService } from '../../features/comments/comment-service.ts';
import { CommentError } from '../../features/comments/comment-service.ts';
import { CATEGORIES } from '../../features/comments/comment-analysis.ts';
import type { StaffNotifier } from '../../features/staff/staff-notifier.ts';
import type { ReportService } from '../../features/reports/report-service.ts';
import { CHART_IDS, chartToCsv, reportCharts, reportToCsv } from '../../features/reports/report-charts.ts';
import { addDays, isValidDate, todayIn, zonedTime } from '../../core/dates.ts';
import { currentUser, requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { HttpError, badRequest, notFound, parseBody } from '../errors.ts';
import { asHttp } from './domain-errors.ts';
import { ClassScope, countsOnly, limitedTo, seesAnonymous } from './class-scope.ts';
import { conversationKey } from '../../core/messages.ts';
import { commentOrder, OPEN_STATUSES } from '../../features/overview/overview-service.ts';

/** The console's views of the comments: the person's own, nobody's yet, urgent, overdue, all. */
export const COMMENT_VIEWS = ['all', 'mine', 'unassigned', 'urgent', 'overdue'] as const;

/** What a view keeps: still open and nobody's; urgent and open; overdue as comments.present says it. */
function viewFilter(view: (typeof COMMENT_VIEWS)[number], userId: string, now: string): CommentFilter {
  switch (view) {
    case 'mine': return { assignedTo: userId };
    case 'unassigned': return { assignedTo: null, statuses: OPEN_STATUSES };
    case 'urgent': return { severity: 'urgent', statuses: OPEN_STATUSES };
    case 'overdue': return { statuses: ['new'], unanswered: true, dueBefore: now };
    default: return {};
  }
}
/** The conversation shown around a comment: the parent's turns from a day before it to a day after. */
const AROUND_MS = 24 * 60 * 60 * 1000;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-26').refine((d) => {
  const [y, m, day] = d.split('-').map(Number);
  return isValidDate(y, m, day);
}, 'a date that exists');

export interface CommentRouteDeps {
  store: Store;
  school: SchoolService;
  comments: CommentService;
  staff: StaffNotifier;
  reports: ReportService;
  audit: Audit;
  timeZone: string;
  clock: () => Date;
}

export function commentRoutes(deps: CommentRouteDeps): Router {
  const { store, school, comments, staff, reports, audit } = deps;
  const router = Router();
  const classIds = () => school.get('classes').map((c) => c.id);
  const idOf = (v: unknown) => {
    const id = Number(v);
    if (!Number.isInteger(id) || id < 1) throw notFound(`no comment ${String(v)}`);
    return id;
  };
  const handle = <T>(fn: () => Promise<T>) => asHttp(CommentError, fn);
  const scope = new ClassScope(store, audit);
  /** What a viewer (the commune's official) may see of a comment: what is counted, nothing personal. */
  const countable = (c: Record<string, unknown>) => ({
    id: c.id, code: c.code, createdAt: c.createdAt, classId: c.classId, category: c.category, sentiment: c.sentiment,
    severity: c.severity, status: c.status, overdue: c.overdue, firstResponseAt: c.firstResponseAt, dueAt: c.dueAt,
  });

  router.get('/comments', requireRole(...ROLES), async (req, res) => {
    const user = currentUser(req);
    const q = parseBody(z.object({
      status: z.enum(COMMENT_STATUSES as [string, ...string[]]).optional(),
      category: z.enum(CATEGORIES as unknown as [string, ...string[]]).optional(),
      sentiment: z.enum(['negative', 'neutral', 'positive']).optional(),
      severity: z.enum(['urgent', 'normal']).optional(),
      class: z.string().optional(),
      from: isoDay.optional(),
      to: isoDay.optional(),
      q: z.string().max(200).optional(),
      view: z.enum(COMMENT_VIEWS).optional(),
      limit: z.coerce.number().int().min(1).max(2000).optional(),
    }), req.query);
    if (q.class && !classIds().includes(q.class)) throw badRequest(`unknown class "${q.class}"`);
    const viewer = countsOnly(user);
    const now = deps.clock().toISOString();
    const limit = q.limit ?? 500;
    const view = q.view ?? 'all';
    if (view === 'urgent' && q.severity === 'normal') { res.json({ comments: [] }); return; }
    const filter: CommentFilter = {
      status: q.status as never, category: q.category, sentiment: q.sentiment, severity: q.severity as never,
      // Staff limited to classes: their classes only (the same rule as comments.canSee).
      classIds: q.class ? [q.class] : limitedTo(user) ?? undefined,
      // Days as the school counts them, in its time zone.
      since: q.from ? zonedTime(q.from, 0, 0, deps.timeZone).toISOString() : undefined,
      until: q.to ? zonedTime(addDays(q.to, 1), 0, 0, deps.timeZone).toISOString() : undefined,
      // The search ignores diacritics ("hoc phi" finds "học phí"); a viewer searches ticket codes
      // only (the words are not theirs to read, nor to probe).
      ...(q.q?.trim() ? (viewer ? { code: q.q } : { search: q.q }) : {}),
      ...viewFilter(view, user.id, now),
    };
    // Urgent ones still waiting for an answer and overdue ones come first, however old they are.
    const pinned = (extra: CommentFilter) => (extra.statuses?.length ? store.comments.list({ ...filter, ...extra, limit }) : Promise.resolve([]));
    const urgentFirst = !filter.severity || filter.severity === 'urgent'
      ? pinned({ severity: 'urgent', unanswered: true, statuses: (filter.statuses ?? OPEN_STATUSES).filter((x) => OPEN_STATUSES.includes(x)) })
      : Promise.resolve([]);
    const overdueFirst = pinned({ unanswered: true, dueBefore: now, statuses: (filter.statuses ?? ['new']).filter((x) => x === 'new') });
    const [a, b, rest] = await Promise.all([urgentFirst, overdueFirst, store.comments.list({ ...filter, limit })]);
    const seen = new Set<number>();
    const shown = [...a, ...b, ...rest]
      .filter((c) => !seen.has(c.id) && (seen.add(c.id), comments.canSee(user, c)))
      .map((c) => comments.present(user, c) as Record<string, unknown> & Comment & { overdue: boolean })
      .sort(commentOrder)
      .slice(0, limit);
    await scope.auditRead(req, user, 'comments', 'comments', { count: shown.length });
    res.json({ comments: viewer ? shown.map(countable) : shown });
  });

  router.get('/comments/:id', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const user = currentUser(req);
    const c = await handle(() => comments.get(user, idOf(req.params.id)));
    await scope.auditRead(req, user, 'comment', `comment:${c.code}`);
    // The conversation around it, unless it would tell who wrote an anonymous comment.
    let conversation: unknown[] | null = null;
    if (c.ref && (!c.anonymous || seesAnonymous(user))) {
      const at = Date.parse(c.createdAt);
      const turns = await store.transcript.list({
        conversationKey: conversationKey(c.ref), since: new Date(at - AROUND_MS).toISOString(), until: new Date(at + AROUND_MS).toISOString(), limit: 200,
      });
      const shown = c.contactId ? await scope.hideAnonymousWords(user, c.contactId, turns.slice(-60)) : turns.slice(-60);
      conversation = shown.map((t) => ({ at: t.at, text: t.text, replies: t.replies, intent: t.intent, channel: t.channel }));
    }
    res.json({ comment: comments.present(user, c), history: await store.comments.events(c.id), conversation });
  });

  /** Who a comment may be given to: active people on staff who may see its class. */
  router.get('/comments/:id/assignees', requireRole('admin', 'principal'), async (req, res) => {
    const c = await handle(() => comments.get(currentUser(req), idOf(req.params.id)));
    const users = (await store.users.list()).filter((u) => !u.disabled && u.role !== 'viewer' && comments.canSee(u, c));
    res.json({ assignees: users.map((u) => ({ id: u.id, name: u.name, role: u.role, classIds: u.classIds })) });
  });

  router.post('/comments/:id/status', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const body = parseBody(z.object({ status: z.enum(COMMENT_STATUSES as [string, ...string[]]), note: z.string().max(2000).optional() }), req.body);
    const user = currentUser(req);
    const c = await handle(() => comments.setStatus(user, idOf(req.params.id), body.status as never, body.note));
    await audit(req, 'comment.status', `comment:${c.code}`, body);
    res.json({ comment: comments.present(user, c) });
  });

  router.post('/comments/:id/assign', requireRole('admin', 'principal'), async (req, res) => {
    const body = parseBody(z.object({ userId: z.string().min(1) }), req.body);
    const assignee = await store.users.get(body.userId);
    if (!assignee || assignee.disabled) throw badRequest(`no active user ${body.userId}`);
    const user = currentUser(req);
    const c = await handle(() => comments.assign(user, idOf(req.params.id), assignee));
    await audit(req, 'comment.assign', `comment:${c.code}`, body);
    res.json({ comment: comments.present(user, c) });
  });

  router.put('/comments/:id/category', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const body = parseBody(z.object({ category: z.string() }), req.body);
    const user = currentUser(req);
    const c = await handle(() => comments.correctCategory(user, idOf(req.params.id), body.category));
    await audit(req, 'comment.category', `comment:${c.code}`, body);
    res.json({ comment: comments.present(user, c) });
  });

  // Only those who see every class set it: a teacher would move a comment out of her own sight.
  router.put('/comments/:id/class', requireRole('admin', 'principal'), async (req, res) => {
    const body = parseBody(z.object({ classId: z.string().min(1).nullable() }), req.body);
    const user = currentUser(req);
    const c = await handle(() => comments.setClass(user, idOf(req.params.id), body.classId));
    await audit(req, 'comment.class', `comment:${c.code}`, body);
    res.json({ comment: comments.present(user, c) });
  });

  router.post('/comments/:id/notes', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const body = parseBody(z.object({ text: z.string().trim().min(1).max(5000) }), req.body);
    await handle(() => comments.addNote(currentUser(req), idOf(req.params.id), body.text));
    await audit(req, 'comment.note', `comment:${req.params.id}`, body);
    res.status(201).json({ ok: true });
  });

  router.post('/comments/:id/reply', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const body = parseBody(z.object({ text: z.string().trim().min(1).max(2000) }), req.body);
    const result = await handle(() => comments.reply(currentUser(req), idOf(req.params.id), body.text));
    await audit(req, 'comment.reply', `comment:${req.params.id}`, { ...body, ...result });
    res.json(result);
  });

  router.get('/absences', requireRole(...ROLES), async (req, res) => {
    const user = currentUser(req);
    const q = parseBody(z.object({ date: isoDay.optional(), class: z.string().optional() }), req.query);
    if (q.class && !classIds().includes(q.class)) throw badRequest(`unknown class "${q.class}"`);
    const date = q.date ?? todayIn(deps.timeZone, deps.clock());
    let allowed: string[] | undefined = q.class ? [q.class] : undefined;
    if (user.role === 'staff' && user.classIds.length) {
      allowed = (allowed ?? user.classIds).filter((c) => user.classIds.includes(c));
      if (allowed.length === 0) throw new HttpError(403, 'forbidden', `you may not see class ${q.class}`);
    }
    const absences = await store.absences.list({ from: date, to: date, classIds: allowed });
    if (countsOnly(user)) {
      // Children's names and illnesses are health data: the commune gets how many, per class.
      const byClass: Record<string, number> = {};
      for (const a of absences) byClass[a.classId] = (byClass[a.classId] ?? 0) + 1;
      res.json({ date, total: absences.length, byClass });
      return;
    }
    await scope.auditRead(req, user, 'absences', `absences:${date}`, { classIds: allowed ?? null, count: absences.length });
    res.json({ date, absences });
  });

  router.post('/staff/link-code', requireRole(...ROLES), async (req, res) => {
    const user = currentUser(req);
    const body = parseBody(z.object({ userId: z.string().optional() }), req.body);
    const target = body.userId && body.userId !== user.id ? body.userId : user.id;
    if (target !== user.id && user.role !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin makes codes for others');
    if (target === 'bootstrap-admin') throw badRequest('the ADMIN_TOKEN admin cannot link a chat account; create a named user first');
    if (!(await store.users.get(target))) throw notFound(`no user ${target}`);
    const code = await staff.newLinkCode(target);
    await audit(req, 'staff.link_code', `user:${target}`);
    res.status(201).json({ ...code, howTo: 'send this code to the school\'s bot from your own Zalo or Messenger account' });
  });

  router.get('/reports/:period', requireRole(...ROLES), async (req, res) => {
    const period = String(req.params.period);
    if (period !== 'week' && period !== 'month') throw notFound('reports are "week" or "month"');
    const q = parseBody(z.object({
      date: isoDay.optional(), format: z.enum(['json', 'csv']).optional(), audience: z.enum(['school', 'commune']).optional(),
      // One chart's rows as CSV (what its table shows); `lang` for a download link, which cannot set Accept-Language.
      chart: z.enum(CHART_IDS as unknown as [string, ...string[]]).optional(), lang: z.enum(['vi', 'en']).optional(),
    }), req.query);
    const range = q.date ? reports.periodOf(period, q.date) : reports.previous(period);
    // Viewers and staff get the commune's version whatever they ask: counts only, for the whole
    // school (the school's version names the urgent comments, which a teacher may not all see).
    const user = currentUser(req);
    const audience = countsOnly(user) || user.role === 'staff' ? 'commune' : q.audience ?? 'school';
    const report = await reports.build(period, range, audience);
    const lng = q.lang ?? (/^en/i.test(req.get('accept-language') ?? '') ? 'en' : 'vi');
    const charts = reportCharts(report, lng);
    const suffix = `${audience === 'commune' ? '-commune' : ''}${q.chart ? `-${q.chart}` : ''}`;
    if (q.format === 'csv' || (!q.format && req.accepts(['json', 'csv']) === 'csv')) {
      const csv = q.chart ? chartToCsv(charts.find((c) => c.id === q.chart)!, lng) : reportToCsv(report, charts, lng);
      res.type('text/csv').attachment(`loa-${period}-${range.from}${suffix}.csv`).send(csv);
      return;
    }
    res.json({ report, charts });
  });

  return router;
}

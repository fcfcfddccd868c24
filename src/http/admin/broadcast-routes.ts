// Groups, subscribers and broadcasts. The spokesperson rule is enforced here and in the service:
// anyone on staff drafts and submits; only a principal or an admin approves; every step is audited.
import express, { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Broadcast, Store } from '../../store/types.ts';
import { isValidCron } from '../../jobs/cron-next.ts';
import { DELIVERY_STATUSES, ROLES } from '../../store/types.ts';
import type { BroadcastService } from '../../features/broadcasts/broadcast-service.ts';
import { BroadcastError } from '../../features/broadcasts/broadcast-service.ts';
import type { GroupDirectory } from '../../features/broadcasts/groups.ts';
import { importRoster, RosterError } from '../../features/broadcasts/roster.ts';
import { currentUser, requireRole } from '../auth.ts';
import type { Audit } from '../audit.ts';
import { HttpError, badRequest, notFound, parseBody } from '../errors.ts';
import { asHttp } from './domain-errors.ts';
import { ClassScope, limitedTo } from './class-scope.ts';

export function broadcastRoutes(deps: { store: Store; broadcasts: BroadcastService; groups: GroupDirectory; audit: Audit; clock: () => Date }): Router {
  const { store, broadcasts, groups, audit, clock } = deps;
  const router = Router();
  const idOf = (v: unknown) => {
    const id = Number(v);
    if (!Number.isInteger(id) || id < 1) throw notFound(`no broadcast ${String(v)}`);
    return id;
  };
  const handle = <T>(fn: () => Promise<T>) => asHttp(BroadcastError, async () => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BroadcastError && err.code) throw new HttpError(err.status, err.code, err.message);
      throw err;
    }
  });
  const scope = new ClassScope(store, audit);
  const rememberSeen = (userId: string, b: Broadcast) =>
    store.documents.put(SEEN, `${b.id}:${userId}`, { at: clock().toISOString(), content: contentOf(b) }, clock().toISOString());
  const withCounts = async (id: number) => ({ broadcast: await broadcasts.get(id), deliveries: await store.deliveries.counts(id) });
  /** The names of the people a broadcast mentions (author, submitter, decider), for the console. */
  const namesOf = async (list: Broadcast[]) => {
    const ids = new Set(list.flatMap((b) => [b.createdBy, b.submittedBy, b.decidedBy]).filter((x): x is string => !!x));
    const names: Record<string, string> = {};
    for (const id of ids) {
      const u = await store.users.get(id);
      if (u) names[id] = u.name;
    }
    return names;
  };

  router.get('/groups', requireRole(...ROLES), async (_req, res) => {
    const counts = await store.subscriptions.countByGroup();
    res.json({ groups: (await groups.list()).map((g) => ({ ...g, subscribers: counts[g.id] ?? 0 })) });
  });
  router.post('/groups', requireRole('admin', 'principal'), async (req, res) => {
    const body = parseBody(z.object({ id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'), name: z.string().trim().min(1).max(100) }), req.body);
    if (await groups.get(body.id)) throw new HttpError(409, 'conflict', `group "${body.id}" exists`);
    const group = await groups.createCustom(body.id, body.name, clock().toISOString());
    await audit(req, 'group.create', `group:${group.id}`, body);
    res.status(201).json({ group });
  });
  router.get('/groups/:id/members', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const id = String(req.params.id);
    const user = currentUser(req);
    scope.mustManageGroup(user, id);
    if (!(await groups.get(id))) throw notFound(`no group "${id}"`);
    const members = await Promise.all((await store.subscriptions.list({ groupId: id })).map(async (m) => ({ ...m, name: (await store.contacts.get(m.contactId))?.displayName ?? null })));
    await scope.auditRead(req, user, 'members', `group:${id}`, { count: members.length });
    res.json({ members });
  });
  router.put('/groups/:id/members/:contactId', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const id = String(req.params.id);
    scope.mustManageGroup(currentUser(req), id);
    if (!(await groups.get(id))) throw notFound(`no group "${id}"`);
    const contact = await store.contacts.get(String(req.params.contactId));
    if (!contact) throw notFound(`no contact ${req.params.contactId}`);
    await store.subscriptions.subscribe(contact.id, id, 'admin', contact.ref.channel, clock().toISOString());
    await audit(req, 'group.member.add', `group:${id}`, { contactId: contact.id });
    res.json({ groups: await store.subscriptions.activeGroups(contact.id) });
  });
  router.delete('/groups/:id/members/:contactId', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    scope.mustManageGroup(currentUser(req), String(req.params.id));
    const left = await store.subscriptions.unsubscribe(String(req.params.contactId), String(req.params.id), clock().toISOString());
    if (left.length === 0) throw notFound('no such membership');
    await audit(req, 'group.member.remove', `group:${req.params.id}`, { contactId: req.params.contactId });
    res.status(204).end();
  });
  router.post('/groups/:id/roster', requireRole('admin', 'principal', 'staff'), express.text({ type: ['text/csv', 'text/plain'], limit: '1mb' }), async (req, res) => {
    const id = String(req.params.id);
    scope.mustManageGroup(currentUser(req), id);
    if (!(await groups.get(id))) throw notFound(`no group "${id}"`);
    if (typeof req.body !== 'string') throw badRequest('send the roster as text/csv');
    try {
      const result = await importRoster(store, id, req.body, clock().toISOString());
      await audit(req, 'group.roster', `group:${id}`, { rows: result.rows, linked: result.linked.length });
      res.json(result);
    } catch (err) {
      if (err instanceof RosterError) throw badRequest(err.message);
      throw err;
    }
  });

  router.get('/broadcasts', requireRole(...ROLES), async (_req, res) => {
    const list = await store.broadcasts.list();
    res.json({ broadcasts: list, names: await namesOf(list) });
  });
  /** Staff limited to classes announce to those classes only. */
  const mustAddressOwnClasses = (req: Parameters<typeof currentUser>[0]) => {
    const groupsAsked = (req.body as { audience?: { groups?: unknown } } | undefined)?.audience?.groups;
    if (Array.isArray(groupsAsked)) for (const g of groupsAsked) scope.mustManageGroup(currentUser(req), String(g));
  };
  /**
   * What a draft would do, before it is saved or submitted: recipients per channel today, the next
   * send times in the school's time zone, and the messages as a parent gets them in each language.
   */
  router.post('/broadcasts/preview', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    mustAddressOwnClasses(req);
    const body = parseBody(previewInput, req.body);
    const unknown = await groups.unknown(body.audience.groups);
    if (unknown.length) throw badRequest(`unknown group ${unknown.map((g) => `"${g}"`).join(', ')}`);
    const cronValid = body.cron ? isValidCron(body.cron) : null;
    const draft = { text: { vi: body.text?.vi ?? '', en: body.text?.en || undefined }, audience: body.audience, media: body.imageUrl || body.link ? { imageUrl: body.imageUrl, link: body.link } : null };
    res.json({
      recipients: await broadcasts.audience(body.audience.groups),
      schedule: { cronValid, next: broadcasts.nextRuns(body) },
      messages: { vi: broadcasts.sample(draft, 'vi'), ...(draft.text.en ? { en: broadcasts.sample(draft, 'en') } : {}) },
    });
  });
  router.post('/broadcasts', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    mustAddressOwnClasses(req);
    const b = await handle(() => broadcasts.create(currentUser(req), req.body));
    await audit(req, 'broadcast.create', `broadcast:${b.id}`, req.body);
    res.status(201).json({ id: b.id, status: b.status, broadcast: b });
  });
  router.put('/broadcasts/:id', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    mustAddressOwnClasses(req);
    const b = await handle(() => broadcasts.edit(currentUser(req), idOf(req.params.id), req.body));
    await audit(req, 'broadcast.edit', `broadcast:${b.id}`, req.body);
    res.json({ broadcast: b });
  });
  const step = (action: 'submit' | 'approve' | 'reject' | 'cancel', roles: (typeof ROLES)[number][]) => {
    router.post(`/broadcasts/:id/${action}`, requireRole(...roles), async (req, res) => {
      const id = idOf(req.params.id);
      const user = currentUser(req);
      let details: unknown = null;
      await handle(async () => {
        if (action === 'submit') await broadcasts.submit(user, id);
        else if (action === 'approve') {
          const b = await broadcasts.get(id);
          details = { selfApproved: broadcasts.isOwn(user, b) };
          await broadcasts.approve(user, id);
          await rememberSeen(user.id, b);
        }
        else if (action === 'reject') {
          const { reason } = parseBody(z.object({ reason: z.string().trim().min(1, 'say why').max(1000) }), req.body);
          details = { reason };
          const b = await broadcasts.reject(user, id, reason);
          await rememberSeen(user.id, b);
        } else details = { cancelledDeliveries: (await broadcasts.cancel(user, id)).cancelled };
      });
      await audit(req, `broadcast.${action}`, `broadcast:${id}`, details);
      res.json(await withCounts(id));
    });
  };
  step('submit', ['admin', 'principal', 'staff']);
  step('approve', ['admin', 'principal']);
  step('reject', ['admin', 'principal']);
  step('cancel', ['admin', 'principal', 'staff']);

  router.get('/broadcasts/:id', requireRole(...ROLES), async (req, res) => {
    const data = await handle(() => withCounts(idOf(req.params.id)));
    const user = currentUser(req);
    res.json({ ...data, names: await namesOf([data.broadcast]), mayDecide: broadcasts.mayDecide(user, data.broadcast) });
  });
  /**
   * For the approver: the version she last saw (her first look at it waiting for approval, then
   * each decision), and which parts changed since. A first look is remembered, not shown as a change.
   */
  router.get('/broadcasts/:id/review', requireRole('admin', 'principal'), async (req, res) => {
    const b = await handle(() => broadcasts.get(idOf(req.params.id)));
    const userId = currentUser(req).id;
    const seen = await store.documents.get<{ at: string; content: Content }>(SEEN, `${b.id}:${userId}`);
    if (!seen && b.status === 'pending_approval') await rememberSeen(userId, b);
    const now = contentOf(b);
    res.json({ lastSeen: seen, changed: seen ? (Object.keys(now) as (keyof Content)[]).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(seen.content[k])) : null });
  });
  router.post('/broadcasts/:id/retry', requireRole('admin', 'principal'), async (req, res) => {
    const id = idOf(req.params.id);
    const { retried } = await handle(() => broadcasts.retryFailed(currentUser(req), id));
    await audit(req, 'broadcast.retry', `broadcast:${id}`, { retried });
    res.json({ retried, ...(await withCounts(id)) });
  });
  router.get('/broadcasts/:id/deliveries', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const id = idOf(req.params.id);
    await handle(() => broadcasts.get(id));
    const q = parseBody(z.object({ status: z.enum(DELIVERY_STATUSES as [string, ...string[]]).optional(), limit: z.coerce.number().int().min(1).max(1000).optional(), offset: z.coerce.number().int().min(0).optional() }), req.query);
    const user = currentUser(req);
    const classes = limitedTo(user);
    // Staff limited to classes see the recipients of their classes only.
    const deliveries = (await store.deliveries.list(id, { status: q.status as never, limit: q.limit, offset: q.offset }))
      .filter((d) => !classes || d.groups.some((g) => classes.includes(g)));
    await scope.auditRead(req, user, 'deliveries', `broadcast:${id}`, { count: deliveries.length });
    res.json({ deliveries });
  });
  /** Live progress for the admin UI: server-sent events, one per second, until the run is over. */
  router.get('/broadcasts/:id/events', requireRole(...ROLES), async (req, res) => {
    const id = idOf(req.params.id);
    await handle(() => broadcasts.get(id));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const send = async () => {
      const data = await withCounts(id);
      res.write(`event: progress\ndata: ${JSON.stringify({ status: data.broadcast.status, ...data.deliveries.byStatus })}\n\n`);
      if (['sent', 'cancelled', 'rejected', 'draft'].includes(data.broadcast.status)) {
        res.write('event: end\ndata: {}\n\n');
        res.end();
        return false;
      }
      return true;
    };
    if (!(await send())) return;
    const timer = setInterval(() => {
      send().then((more) => { if (!more) clearInterval(timer); }).catch(() => clearInterval(timer));
    }, 1000);
    req.on('close', () => clearInterval(timer));
  });
  return router;
}

const SEEN = 'broadcast_seen';
type Content = ReturnType<typeof contentOf>;
/** What a reviewer reads and decides on: the parts whose change she must be shown. */
const contentOf = (b: Broadcast) => ({ title: b.title, text: b.text, audience: b.audience, media: b.media, sendAt: b.sendAt, cron: b.cron });

const previewInput = z.object({
  audience: z.object({ groups: z.array(z.string()).max(200) }),
  text: z.object({ vi: z.string().max(4000).optional(), en: z.string().max(4000).optional() }).optional(),
  sendAt: z.string().datetime({ offset: true }).nullable().optional(),
  cron: z.string().max(100).nullable().optional(),
  imageUrl: z.string().url().optional(),
  link: z.object({ url: z.string().url(), title: z.string().max(200) }).optional(),
  title: z.string().max(200).optional(),
});

// Role × route: every /api/admin route in express's route table, called by each role (admin,
// principal, staff limited to Lá A1, viewer) on the school's data, most of it in Lá A2. Each cell
// says what must happen; a route missing from the table fails the test until someone decides who
// may call it. Every answer a staff member or a viewer gets is searched for what they must not see.
import { VisitorIdentity } from '../../src/channels/webchat/visitor-identity.ts';
import { createI18n } from '../../src/i18n.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { buildApp } from '../../src/app.ts';
import { ADMIN_TOKEN, tempDir } from '../helpers.ts';
import type { Role } from '../../src/store/types.ts';
import { openSchool, SECRETS, type School } from './school-fixture.ts';
import { UserService } from '../../src/features/users/user-service.ts';
import { conversationKey } from '../../src/core/messages.ts';
import * as fb from '../fakes/messenger-fixtures.ts';

/** ok: served (2xx); denied: 403 for the role; other-class: 403 or 404, the target being another class's. */
type Cell = 'ok' | 'denied' | 'other-class';
type Fixture = Awaited<ReturnType<typeof prepare>>;
interface RouteSpec {
  cells: Record<Role, Cell>;
  params?: (f: Fixture, role: Role) => Record<string, string | number>;
  query?: string;
  body?: (f: Fixture, role: Role) => unknown;
  type?: string;
  /** Statuses that also mean "served" (the Zalo personal account is not set up in this test). */
  okAlso?: number[];
}

const ALL: Record<Role, Cell> = { admin: 'ok', principal: 'ok', staff: 'ok', viewer: 'ok' };
const ADMIN: Record<Role, Cell> = { admin: 'ok', principal: 'denied', staff: 'denied', viewer: 'denied' };
const LEADERS: Record<Role, Cell> = { admin: 'ok', principal: 'ok', staff: 'denied', viewer: 'denied' };
const STAFF_ROLES: Record<Role, Cell> = { admin: 'ok', principal: 'ok', staff: 'ok', viewer: 'denied' };
const SCOPED: Record<Role, Cell> = { admin: 'ok', principal: 'ok', staff: 'other-class', viewer: 'denied' };
const NOT_STAFF: Record<Role, Cell> = { admin: 'ok', principal: 'ok', staff: 'denied', viewer: 'ok' };
const ROLES: Role[] = ['viewer', 'staff', 'principal', 'admin'];

const ROUTES: Record<string, RouteSpec> = {
  'GET /me': { cells: ALL },
  'GET /users': { cells: ADMIN },
  'POST /users': { cells: ADMIN, body: (_f, r) => ({ username: `nguoi-moi-${r}`, name: `Người mới ${r}`, role: 'staff' }) },
  'PATCH /users/:id': { cells: ADMIN, params: (f) => ({ id: f.extraUser }), body: () => ({ name: 'Người soạn (đổi tên)' }) },
  'POST /users/:id/setup-link': { cells: ADMIN, params: (f) => ({ id: f.extraUser }) },
  // Personal API tokens: each person their own (a token acts with its owner's role, no more).
  'GET /tokens': { cells: ALL },
  'POST /tokens': { cells: ALL, body: () => ({ name: 'script' }) },
  'DELETE /tokens/:id': { cells: ALL, params: (f, r) => ({ id: f.tokens[r] }) },
  'GET /audit': { cells: LEADERS },
  'GET /audit/actions': { cells: LEADERS },
  'GET /questions/unanswered': { cells: STAFF_ROLES },
  // Unanswered questions: a count for everyone (the front page), the questions to staff of their
  // classes only, taught to Loa (or ignored) by the principal and admins.
  'GET /questions/unanswered/count': { cells: ALL },
  'GET /questions/unanswered/groups': { cells: STAFF_ROLES },
  'POST /questions/unanswered/resolve': { cells: LEADERS, body: (f, r) => ({ ids: [f.unanswered[r]], action: 'ignore' }) },
  'POST /questions/unanswered/undo': { cells: LEADERS, body: (f, r) => ({ undoId: f.undo[r] }) },
  'GET /intents': { cells: ALL },
  'GET /intents/:id': { cells: ALL, params: () => ({ id: 'fees' }) },
  'POST /intents': { cells: ADMIN, body: (f, r) => ({ ...f.intent, id: `matrix_new_${r}` }) },
  'PUT /intents/:id': { cells: ADMIN, params: () => ({ id: 'matrix_put' }), body: (f) => ({ ...f.intent, version: undefined }) },
  'PATCH /intents/:id': { cells: ADMIN, params: () => ({ id: 'matrix_put' }), body: () => ({ enabled: true }) },
  'GET /intents/export': { cells: ALL, query: 'format=csv' },
  'POST /intents/import': { cells: ADMIN, query: 'format=csv&dryRun=1', type: 'text/csv', body: (f) => f.faqCsv },
  'GET /nlu/status': { cells: ALL },
  'POST /nlu/check': { cells: ALL, body: () => ({ intentId: 'fees', text: 'học phí bao nhiêu' }) },
  'POST /try': { cells: ALL, body: () => ({ text: 'học phí bao nhiêu' }) },
  'DELETE /intents/:id': { cells: ADMIN, params: () => ({ id: 'matrix_del' }) },
  'POST /nlu/parse': { cells: ALL, body: () => ({ text: 'học phí bao nhiêu' }) },
  'GET /school': { cells: ALL },
  'GET /school/:section': { cells: ALL, params: () => ({ section: 'fees' }) },
  'PUT /school/:section': { cells: LEADERS, params: () => ({ section: 'fees' }), body: (f) => f.fees },
  'GET /school/menus/export': { cells: ALL },
  'POST /school/menus/import': { cells: LEADERS, type: 'text/csv', body: (f) => f.menusCsv },
  'GET /channels': { cells: LEADERS },
  'POST /channels/messenger/resume': { cells: ADMIN },
  'GET /alerts': { cells: LEADERS },
  'POST /alerts/:id/ack': { cells: LEADERS, params: (f, r) => ({ id: f.alerts[r] }) },
  'GET /outbox': { cells: LEADERS },
  // What a crash left uncertain (parents' messages and names): the principal and admins decide.
  'GET /uncertain': { cells: LEADERS },
  'POST /uncertain/messages/:id/resend': { cells: LEADERS, params: (f, r) => ({ id: f.uncertainMessages[r] }) },
  'POST /uncertain/deliveries/:id/resend': { cells: LEADERS, params: (f, r) => ({ id: f.uncertainDeliveries[r] }) },
  'GET /zalo/groups': { cells: ALL },
  'POST /zalo/groups/discover': { cells: LEADERS, okAlso: [404] },
  'PUT /zalo/groups/:id': { cells: LEADERS, params: () => ({ id: 'zg-1' }), body: () => ({ classId: 'la-a1' }) },
  'GET /comments': { cells: ALL },
  'GET /comments/:id': { cells: { ...SCOPED }, params: (f) => ({ id: f.s.comments.otherClass }) },
  'POST /comments/:id/status': { cells: SCOPED, params: (f) => ({ id: f.s.comments.otherClass }), body: () => ({ status: 'acknowledged' }) },
  // Set to its own class: the cells after it must still find it another class's comment.
  'PUT /comments/:id/class': { cells: LEADERS, params: (f) => ({ id: f.s.comments.otherClass }), body: () => ({ classId: 'la-a2' }) },
  'POST /comments/:id/assign': { cells: LEADERS, params: (f) => ({ id: f.s.comments.otherClass }), body: (f) => ({ userId: f.s.ids.principal }) },
  'PUT /comments/:id/category': { cells: SCOPED, params: (f) => ({ id: f.s.comments.otherClass }), body: () => ({ category: 'meals' }) },
  'POST /comments/:id/notes': { cells: SCOPED, params: (f) => ({ id: f.s.comments.otherClass }), body: () => ({ text: 'Đã gọi điện cho phụ huynh' }) },
  'POST /comments/:id/reply': { cells: SCOPED, params: (f) => ({ id: f.s.comments.otherClass }), body: () => ({ text: 'Nhà trường đã ghi nhận' }) },
  // The overview and its live stream: each role its own counts and events (once=1: the stream says hello and closes).
  'GET /overview': { cells: ALL },
  'GET /events': { cells: ALL, query: 'once=1' },
  'GET /comments/:id/assignees': { cells: LEADERS, params: (f) => ({ id: f.s.comments.otherClass }) },
  'GET /reply-templates': { cells: STAFF_ROLES },
  'PUT /reply-templates': { cells: ADMIN, body: () => ({ version: 0, templates: [{ id: 'da-nhan', title: 'Đã nhận', text: { vi: 'Nhà trường đã nhận phản ánh.' } }] }) },
  'GET /absences': { cells: { admin: 'ok', principal: 'ok', staff: 'other-class', viewer: 'ok' }, query: 'date=2026-11-26&class=la-a2' },
  'POST /staff/link-code': { cells: ALL, body: () => ({}) },
  'GET /reports/:period': { cells: ALL, params: () => ({ period: 'week' }), query: 'date=2026-11-26' },
  'GET /contacts': { cells: STAFF_ROLES },
  'GET /contacts/:id/transcript': { cells: SCOPED, params: (f) => ({ id: f.s.contacts.otherClass.id }) },
  'DELETE /contacts/:id': { cells: ADMIN, params: (f, r) => ({ id: f.erasable[r] }) },
  'POST /contacts/:id/messages': { cells: SCOPED, params: (f) => ({ id: f.s.contacts.otherClass.id }), body: () => ({ text: 'Nhà trường xin trả lời' }) },
  'GET /groups': { cells: ALL },
  'POST /groups': { cells: LEADERS, body: (_f, r) => ({ id: `nhom-${r}`, name: `Nhóm ${r}` }) },
  'GET /groups/:id/members': { cells: SCOPED, params: () => ({ id: 'la-a2' }) },
  'PUT /groups/:id/members/:contactId': { cells: SCOPED, params: (f) => ({ id: 'la-a2', contactId: f.s.contacts.ownClass.id }) },
  'DELETE /groups/:id/members/:contactId': { cells: SCOPED, params: (f, r) => ({ id: 'la-a2', contactId: f.members[r] }) },
  'POST /groups/:id/roster': { cells: SCOPED, params: () => ({ id: 'la-a2' }), type: 'text/csv', body: () => 'parent_name\nNgười chưa chat\n' },
  'GET /broadcasts': { cells: ALL },
  'POST /broadcasts': { cells: SCOPED, body: (f) => f.announcement },
  'PUT /broadcasts/:id': { cells: SCOPED, params: (f, r) => ({ id: f.ownDraftForEdit[r] }), body: (f) => f.announcement },
  'POST /broadcasts/:id/submit': { cells: STAFF_ROLES, params: (f, r) => ({ id: f.ownDraftForSubmit[r] }) },
  'POST /broadcasts/:id/approve': { cells: LEADERS, params: (f, r) => ({ id: f.pendingForApprove[r] }) },
  'POST /broadcasts/:id/reject': { cells: LEADERS, params: (f, r) => ({ id: f.pendingForReject[r] }), body: () => ({ reason: 'Sai ngày' }) },
  'POST /broadcasts/:id/cancel': { cells: LEADERS, params: (f, r) => ({ id: f.approved[r] }) },
  'GET /broadcasts/:id': { cells: ALL, params: (f) => ({ id: f.sentToOtherClass }) },
  'GET /broadcasts/:id/deliveries': { cells: STAFF_ROLES, params: (f) => ({ id: f.sentToOtherClass }) },
  'GET /broadcasts/:id/events': { cells: ALL, params: (f) => ({ id: f.ownDraftForEdit.admin }) },
  // The announcements screens: the count and preview of a draft (staff for their classes), what
  // changed since the approver's last decision, and failed deliveries sent again (approvers only).
  'POST /broadcasts/preview': { cells: SCOPED, body: (f) => f.announcement },
  'GET /broadcasts/:id/review': { cells: LEADERS, params: (f) => ({ id: f.sentToOtherClass }) },
  'POST /broadcasts/:id/retry': { cells: LEADERS, params: (f) => ({ id: f.sentToOtherClass }) },
};

/** Every route express knows under /api/admin, as "METHOD /path". */
function routeTable(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: { route?: { path: string; methods: Record<string, boolean> }; handle: { stack?: unknown[] }; rawPath?: string }[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack) {
        const raw = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack as never, prefix + raw);
      }
    }
  };
  walk((app as unknown as { router: { stack: never[] } }).router.stack, '');
  return out.filter((r) => r.split(' ')[1].startsWith('/api/admin/')).map((r) => r.replace(' /api/admin', ' '));
}

async function prepare(s: School) {
  const { loa } = s;
  const writer = await loa.admin().post('/api/admin/users').send({ username: 'nguoi-soan', name: 'Người soạn', role: 'staff' });
  const extraUser = writer.body.user.id as string;
  const author = { ...writer.body.user };
  const principal = (await loa.store.users.get(s.ids.principal))!;
  const svc = loa.features.broadcasts;
  const announcement = { title: 'Họp phụ huynh', text: { vi: 'Kính mời phụ huynh dự họp.' }, audience: { groups: ['la-a2'] }, sendAt: '2026-12-20T01:00:00Z' };
  const perRole = async (make: (role: Role) => Promise<number | string>) => Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await make(r)]))) as Record<Role, number>;
  const userOf = async (r: Role) => (await loa.store.users.get(s.ids[r]))!;
  const draftBy = async (r: Role) => (await svc.create(r === 'viewer' ? author : await userOf(r), announcement)).id;
  const pending = async () => {
    const b = await svc.create(author, announcement);
    await svc.submit(author, b.id);
    return b.id;
  };
  const approvedOne = async () => {
    const id = await pending();
    await svc.approve(principal, id);
    return id;
  };
  const sent = await svc.create(author, { ...announcement, sendAt: undefined });
  await svc.submit(author, sent.id);
  await svc.approve(principal, sent.id); // expands at once: the Lá A2 parent is a recipient
  const intent = { ...loa.nlu.getIntent('thanks')!, id: 'matrix_put' };
  await loa.nlu.saveIntent({ ...intent, id: 'matrix_put' }, new Date());
  await loa.nlu.saveIntent({ ...intent, id: 'matrix_del' }, new Date());
  await loa.channels.zaloGroups.upsertDiscovered([{ id: 'zg-1', name: 'Nhóm Zalo lớp Lá A1', memberCount: 12 }], '2026-11-26T01:00:00Z');
  const members = await perRole(async (r) => {
    const c = await loa.store.contacts.touch({ channel: 'messenger', accountId: 'page', userId: `member-${r}`, threadId: `member-${r}`, threadType: 'user' }, '2026-11-26T01:00:00Z', `Thành viên ${r}`);
    await loa.store.subscriptions.subscribe(c.id, 'la-a2', 'admin', 'messenger', '2026-11-26T01:00:00Z');
    return c.id;
  });
  // Unanswered questions of nobody's class: one to resolve per role, one resolved to undo.
  const question = async (text: string) => {
    const c = await loa.store.contacts.touch({ channel: 'messenger', accountId: 'page', userId: `q-${text}`, threadId: `q-${text}`, threadType: 'user' }, '2026-11-26T01:00:00Z');
    await loa.store.transcript.append({
      conversationKey: conversationKey(c.ref), channel: 'messenger', contactId: c.id, at: '2026-11-26T01:00:00.000Z', text, locale: 'vi',
      intent: 'none', confidence: 0.1, handler: 'fallback', answered: false, asked: true, latencyMs: 1, replies: ['…'],
    });
    await loa.store.flush();
    return (await loa.store.transcript.list({ answered: false, limit: 100_000 })).find((t) => t.text === text)!.id!;
  };
  const unanswered = await perRole((r) => question(`trường có xe đưa đón ${r} không`));
  const undo = await perRole(async (r) => {
    const res = await loa.admin().post('/api/admin/questions/unanswered/resolve').send({ ids: [await question(`có lớp năng khiếu ${r} không`)], action: 'ignore' });
    return res.body.undoId as string;
  }) as unknown as Record<Role, string>;
  // Personal API tokens to revoke, each person their own.
  const tokens = await perRole(async (r) => (await new UserService({ store: loa.store, clock: () => new Date() }).issueToken(s.ids[r], 'matrix', 30)).id);
  // What a crash left uncertain: a message and a delivery per role.
  const pageRef = (userId: string) => ({ channel: 'messenger' as const, accountId: fb.PAGE_ID, userId, threadId: userId, threadType: 'user' as const });
  const at = '2026-11-26T01:00:00.000Z';
  const uncertainMessages = await perRole(async (r) => {
    const ref = pageRef(`uncertain-${r}`);
    const [m] = await loa.store.outbox.enqueue([{ conversationKey: conversationKey(ref), ref, message: { type: 'text', text: 'Dạ, nhà trường xin trả lời' }, purpose: 'reply' }], at);
    await loa.store.outbox.claimNext(conversationKey(ref), at);
    return m.id;
  });
  await loa.store.outbox.markStaleSendingUncertain();
  const crashed = await loa.store.broadcasts.create({ title: 't', text: { vi: 'x' }, audience: { groups: ['school'] }, media: null, sendAt: null, cron: null, status: 'sending', createdBy: 'u', submittedBy: null, decidedBy: null, rejectReason: null, nextRunAt: null, createdAt: at });
  await loa.store.deliveries.expand(crashed.id, at, [], ROLES.map((r) => ({ recipient: `messenger:uncertain-${r}`, contactId: null, ref: pageRef(`uncertain-${r}`), locale: 'vi' as const, groups: ['school'], name: null })), at);
  for (const d of (await loa.store.deliveries.claim('matrix', new Date(at), 1000, 60_000)).filter((x) => x.broadcastId === crashed.id)) await loa.store.deliveries.markSending(d.id, 'matrix');
  await loa.store.deliveries.markStaleSendingUncertain();
  const uncertainDeliveries = Object.fromEntries((await loa.store.deliveries.list(crashed.id)).map((d) => [d.recipient.replace('messenger:uncertain-', ''), d.id])) as Record<Role, number>;
  // Contacts an admin may erase.
  const erasable = await perRole(async (r) => (await loa.store.contacts.touch(pageRef(`erase-${r}`), at, `Phụ huynh xin xoá ${r}`)).id);
  return {
    s, extraUser, intent, announcement, members, fees: loa.school.get('fees'), unanswered, undo, tokens, uncertainMessages, uncertainDeliveries, erasable,
    faqCsv: (await loa.admin().get('/api/admin/intents/export?format=csv')).text,
    menusCsv: (await loa.admin().get('/api/admin/school/menus/export')).text,
    alerts: await perRole(async (r) => (await loa.store.alerts.append({ at: '2026-11-26T01:00:00Z', kind: 'test', message: `cảnh báo ${r}`, details: null })).id),
    ownDraftForEdit: await perRole(draftBy),
    ownDraftForSubmit: await perRole(draftBy),
    pendingForApprove: await perRole(pending),
    pendingForReject: await perRole(pending),
    approved: await perRole(approvedOne),
    sentToOtherClass: sent.id,
  };
}

describe('role × route', () => {
  let s: School;
  let f: Fixture;
  let table: string[];
  beforeAll(async () => {
    s = await openSchool();
    f = await prepare(s);
    const { loa } = s;
    table = routeTable(buildApp({
      store: loa.store, bot: loa.bot, pipeline: loa.pipeline, nlu: loa.nlu, school: loa.school, channels: loa.channels, outbox: loa.outbox,
      alerts: loa.alerts, features: loa.features, logger: loa.logger, clock: () => new Date(), adminToken: ADMIN_TOKEN, timeZone: 'Asia/Ho_Chi_Minh',
      answerExists: () => true,
      // Only the route table is read: the web chat's own routes need no real identity or limits.
      webchat: {
        webchat: loa.webchat, identity: VisitorIdentity.open(tempDir(), undefined), i18n: await createI18n(), chatApiKey: undefined,
        allowedOrigins: [],
      },
    }));
  }, 60_000);
  // Closing waits for the retraining the FAQ edits above started (tens of seconds on a busy machine).
  afterAll(async () => s?.close(), 120_000);

  it('has a decision for every admin route, and no decision for a route that does not exist', () => {
    expect(table.length).toBeGreaterThan(40);
    expect(table.filter((r) => !ROUTES[r])).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !table.includes(r))).toEqual([]);
  });

  const staffMustNotSee = [SECRETS.otherClassParent, SECRETS.otherClassPsid, SECRETS.otherClassChild, SECRETS.otherClassReason, SECRETS.otherClassQuestion];

  it('gives each role exactly what its cell says, and nothing personal beyond it', async () => {
    const failures: string[] = [];
    for (const [route, spec] of Object.entries(ROUTES)) {
      const [method, pattern] = route.split(' ');
      for (const role of ROLES) {
        const params = spec.params?.(f, role) ?? {};
        const url = `/api/admin${pattern.replace(/:(\w+)/g, (_m, k: string) => encodeURIComponent(String(params[k])))}${spec.query ? `?${spec.query}` : ''}`;
        let req = s.as(role)[method.toLowerCase() as 'get'](url);
        if (spec.type) req = req.set('content-type', spec.type);
        const res = await (spec.body ? req.send(spec.body(f, role) as object) : req);
        const cell = spec.cells[role];
        const served = (res.status >= 200 && res.status < 300) || (spec.okAlso ?? []).includes(res.status);
        const ok = cell === 'ok' ? served : cell === 'denied' ? res.status === 403 : res.status === 403 || res.status === 404;
        if (!ok) failures.push(`${route} as ${role}: expected ${cell}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        if (served && method === 'GET') {
          const text = res.text ?? JSON.stringify(res.body);
          if (role === 'viewer') for (const secret of Object.values(SECRETS)) if (text.includes(secret)) failures.push(`${route} shows a viewer "${secret}"`);
          if (role === 'staff') {
            for (const secret of staffMustNotSee) if (text.includes(secret)) failures.push(`${route} shows staff of Lá A1 "${secret}"`);
            if (text.includes(SECRETS.anonymousWords) && (text.includes(SECRETS.anonymousParent) || text.includes(SECRETS.anonymousPsid))) failures.push(`${route} unmasks the anonymous parent to staff`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

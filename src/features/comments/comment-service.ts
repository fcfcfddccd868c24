// Every comment received, counted, analysed and handled: ticket codes, the status lifecycle with
// its history, first-answer targets (urgent 1 hour, others 2 working days), replies back to the
// parent through the channel the comment came from, and urgent alerts that skip every queue.
import type { i18n } from 'i18next';
import type { Logger } from 'pino';
import type { Comment, CommentStatus, Locale, Store, User } from '../../store/types.ts';
import { translatorFor } from '../../i18n.ts';
import { NEXT_STATUSES } from './comment-statuses.ts';
import type { ConversationRef } from '../../core/messages.ts';
import type { Outbox } from '../../core/outbox.ts';
import type { SchoolService } from '../../school/school-service.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { StaffNotifier } from '../staff/staff-notifier.ts';
import { addWorkingDays } from '../../core/working-days.ts';
import { windowOpen } from '../../channels/windows.ts';
import { webchatReplyState, type WebchatReplyDelivery } from './webchat-receipts.ts';
import { maskPhonesInText } from '../../logger.ts';
import { analyseComment, CATEGORIES, type Category } from './comment-analysis.ts';

export const URGENT_ANSWER_MS = 60 * 60 * 1000;
export const NORMAL_ANSWER_WORKING_DAYS = 2;
/** Long enough for any letter a parent writes: a comment is kept whole, never cut. */
export const MAX_COMMENT_LENGTH = 20_000;

/** Which status may follow which: forward only, and closed is final. */

export class CommentError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface NewComment {
  text: string;
  category?: Category;
  anonymous: boolean;
  classId: string | null;
  contactId: string | null;
  ref: ConversationRef | null;
  displayName: string | null;
  /** A safety report (see features/safety): urgent whatever the lexicons say. */
  urgent?: boolean;
}

export class CommentService {
  constructor(private readonly deps: {
    store: Store; outbox: Outbox; school: SchoolService; alerts: AlertService; staff: StaffNotifier;
    logger: Logger; clock: () => Date; timeZone: string; i18n: i18n;
    /** Where the console is reached from outside (PUBLIC_URL): an alert links the comment's page. */
    publicUrl?: string;
  }) {}

  async submit(input: NewComment): Promise<Comment> {
    const { store, clock } = this.deps;
    const now = clock();
    const text = input.text.trim().slice(0, MAX_COMMENT_LENGTH);
    const analysis = analyseComment(text);
    if (input.urgent) Object.assign(analysis, { severity: 'urgent', sentiment: 'negative' });
    const dueAt = analysis.severity === 'urgent'
      ? new Date(now.getTime() + URGENT_ANSWER_MS)
      : addWorkingDays(now, NORMAL_ANSWER_WORKING_DAYS, this.deps.timeZone, this.deps.school.get('calendar').holidays);
    const comment = await store.comments.create({
      createdAt: now.toISOString(), contactId: input.contactId, ref: input.ref, displayName: input.displayName,
      classId: input.classId, text, category: input.category ?? analysis.category, sentiment: analysis.sentiment,
      severity: analysis.severity, anonymous: input.anonymous, status: 'new', assignedTo: null, firstResponseAt: null,
      dueAt: dueAt.toISOString(), remindedAt: null,
    });
    await store.comments.addEvent({ commentId: comment.id, at: now.toISOString(), actor: 'parent', kind: 'created', details: { ...analysis, guessedCategory: analysis.category } });
    await store.flush();
    if (comment.severity === 'urgent') await this.alertUrgent(comment);
    return comment;
  }

  /** The parent's latest urgent comment since a time, still open: a second report adds to it. */
  async recentUrgentFrom(contactId: string, since: string): Promise<Comment | null> {
    if (!(await this.deps.store.comments.anyFrom(contactId))) return null;
    const recent = await this.deps.store.comments.list({ contactId, severity: 'urgent', since, limit: 5 });
    return recent.find((c) => c.status !== 'closed' && c.status !== 'resolved') ?? null;
  }

  /**
   * More from the parent about a comment they wrote ("sửa phản ánh PA-0042", a second message about
   * the same emergency): added to its text and its history. A safety report makes it urgent.
   */
  async addDetail(c: Comment, text: string, urgent = false): Promise<Comment> {
    const at = this.deps.clock().toISOString();
    const joined = `${c.text}\n${text.trim()}`.slice(0, MAX_COMMENT_LENGTH);
    const escalate = urgent && c.severity !== 'urgent';
    const updated = (await this.deps.store.comments.update(c.id, { text: joined, ...(escalate ? { severity: 'urgent' as const } : {}) }, at))!;
    await this.deps.store.comments.addEvent({ commentId: c.id, at, actor: 'parent', kind: 'detail', details: { text: text.trim(), escalated: escalate } });
    await this.deps.store.flush();
    if (escalate) await this.alertUrgent(updated);
    return updated;
  }

  /** Straight to the principal and admins, on chat and in the admin API, before anything else. */
  private async alertUrgent(c: Comment): Promise<void> {
    const cls = c.classId ? this.deps.school.get('classes').find((x) => x.id === c.classId)?.name : null;
    const message = `⚠️ PHẢN ÁNH KHẨN ${c.code}${cls ? ` (lớp ${cls})` : ''}: «${maskPhonesInText(c.text).slice(0, 300).replace(/»/g, '"')}». Cần phản hồi trong 1 giờ. Xem: ${this.deps.publicUrl ?? ''}/admin/comments/${c.id}`;
    await this.deps.alerts.raise('urgent_comment', message, { commentId: c.id, code: c.code, contactId: c.contactId });
    await this.deps.store.comments.addEvent({ commentId: c.id, at: this.deps.clock().toISOString(), actor: 'loa', kind: 'alert', details: { to: 'principal, admins' } });
  }

  // --- case handling ---

  /** Whether a user may see a comment: staff limited to classes see only those classes' comments. */
  canSee(user: User, c: Comment): boolean {
    if (user.role !== 'staff' || user.classIds.length === 0) return true;
    return c.classId !== null && user.classIds.includes(c.classId);
  }

  /** Anonymous comments hide the parent from staff roles; the principal and admins see them. */
  present(user: User, c: Comment): Record<string, unknown> {
    const hide = c.anonymous && user.role !== 'admin' && user.role !== 'principal';
    const overdue = !c.firstResponseAt && c.status === 'new' && c.dueAt < this.deps.clock().toISOString();
    return {
      ...c,
      ref: hide ? null : c.ref,
      contactId: hide ? null : c.contactId,
      displayName: hide ? 'Ẩn danh (anonymous)' : c.displayName,
      overdue,
    };
  }

  async get(user: User, id: number): Promise<Comment> {
    const c = await this.deps.store.comments.get(id);
    if (!c || !this.canSee(user, c)) throw new CommentError(404, `no comment ${id}`);
    return c;
  }

  async setStatus(user: User, id: number, status: CommentStatus, note?: string): Promise<Comment> {
    const c = await this.get(user, id);
    if (c.status === status) return c;
    if (!NEXT_STATUSES[c.status].includes(status)) throw new CommentError(409, `a ${c.status} comment cannot become ${status}`);
    const at = this.deps.clock().toISOString();
    // A status is not an answer: the first answer is the first reply the parent got or can see.
    const updated = await this.deps.store.comments.update(id, { status }, at);
    await this.deps.store.comments.addEvent({ commentId: id, at, actor: actorOf(user), kind: 'status', details: { from: c.status, to: status, note: note ?? null } });
    if (status === 'resolved' || status === 'closed') await this.settleAlerts(id, at);
    return updated!;
  }

  async assign(user: User, id: number, assignee: User): Promise<Comment> {
    const c = await this.get(user, id);
    if (!this.canSee(assignee, c)) throw new CommentError(400, `${assignee.name} may not see this comment's class`);
    const at = this.deps.clock().toISOString();
    const updated = await this.deps.store.comments.update(id, { assignedTo: assignee.id }, at);
    await this.deps.store.comments.addEvent({ commentId: id, at, actor: actorOf(user), kind: 'assign', details: { to: assignee.id, name: assignee.name } });
    await this.deps.staff.notifyUsers([assignee], `Anh/chị được giao xử lý phản ánh ${c.code}: «${maskPhonesInText(c.text).slice(0, 200)}»`);
    return updated!;
  }

  async correctCategory(user: User, id: number, category: string): Promise<Comment> {
    if (!CATEGORIES.includes(category as Category)) throw new CommentError(400, `category must be one of ${CATEGORIES.join(', ')}`);
    const c = await this.get(user, id);
    const at = this.deps.clock().toISOString();
    const updated = await this.deps.store.comments.update(id, { category }, at);
    await this.deps.store.comments.addEvent({ commentId: id, at, actor: actorOf(user), kind: 'category', details: { from: c.category, to: category } });
    return updated!;
  }

  /** The class a comment is about, set or corrected (a safety report often comes without one):
   *  then the class's teachers see it and it can be given to one of them. */
  async setClass(user: User, id: number, classId: string | null): Promise<Comment> {
    if (classId !== null && !this.deps.school.get('classes').some((x) => x.id === classId)) throw new CommentError(400, `unknown class "${classId}"`);
    const c = await this.get(user, id);
    const at = this.deps.clock().toISOString();
    const updated = await this.deps.store.comments.update(id, { classId }, at);
    await this.deps.store.comments.addEvent({ commentId: id, at, actor: actorOf(user), kind: 'class', details: { from: c.classId, to: classId } });
    return updated!;
  }

  async addNote(user: User, id: number, text: string): Promise<void> {
    await this.get(user, id);
    await this.deps.store.comments.addEvent({ commentId: id, at: this.deps.clock().toISOString(), actor: actorOf(user), kind: 'note', details: { text } });
  }

  /** Answers the parent where they wrote, inside the platform's window; outside it, kept pending. */
  /** The school's answer as the parent reads it: introduced in the language they chat in. */
  private schoolReply(contact: { locale: Locale | null } | null, code: string, text: string): string {
    return translatorFor(this.deps.i18n, contact?.locale ?? 'vi')('feedback.school_reply', { code, text });
  }

  async reply(user: User, id: number, text: string): Promise<{ delivery: 'queued' | 'pending_outside_window' | 'no_channel' | WebchatReplyDelivery }> {
    const c = await this.get(user, id);
    if (c.status === 'closed') throw new CommentError(409, `${c.code} is closed; reopen is not possible, write to the parent directly`);
    const at = this.deps.clock();
    let delivery: 'queued' | 'pending_outside_window' | 'no_channel' | WebchatReplyDelivery = 'no_channel';
    let webchatMessageId: number | undefined;
    if (c.ref) {
      const contact = await this.deps.store.contacts.findByRef(c.ref);
      if (windowOpen(c.ref.channel, contact?.lastInboundAt ?? null, at)) {
        await this.deps.outbox.sendProactive(c.ref, [{ type: 'text', text: this.schoolReply(contact, c.code, text) }]);
        delivery = 'queued';
        // The web chat knows at once whether a page took it; if not, it waits for the parent's visit.
        if (c.ref.channel === 'webchat') ({ delivery, webchatMessageId } = await webchatReplyState(this.deps.store, c.ref));
      } else {
        delivery = 'pending_outside_window';
      }
    }
    // A reply kept pending outside the window is not an answer yet: it becomes one when it goes out.
    // (A web chat reply waiting for the visitor's page is one: the page shows it on their next visit.)
    const answeredAt = delivery === 'pending_outside_window' ? null : at.toISOString();
    await this.deps.store.comments.update(id, { firstResponseAt: c.firstResponseAt ?? answeredAt, status: c.status === 'new' ? 'acknowledged' : c.status }, at.toISOString());
    await this.deps.store.comments.addEvent({ commentId: id, at: at.toISOString(), actor: actorOf(user), kind: 'reply', details: { text, delivery, ...(webchatMessageId ? { webchatMessageId } : {}) } });
    if (answeredAt) await this.settleAlerts(id, answeredAt);
    return { delivery };
  }

  /** The urgent alert about a comment is dealt with once the parent has an answer, or the case is
   *  settled: it leaves the open alerts (the overview's count), kept in the list as acknowledged. */
  private async settleAlerts(commentId: number, at: string): Promise<void> {
    const open = await this.deps.store.alerts.list({ open: true, limit: 1000 });
    for (const a of open) if (a.kind === 'urgent_comment' && (a.details as { commentId?: number } | null)?.commentId === commentId) await this.deps.store.alerts.acknowledge(a.id, at);
  }

  /**
   * The parent wrote again, so the platform's window is open: replies that were kept pending go
   * out now, just before the answer to their message. Each pending reply is delivered once.
   */
  async deliverPendingReplies(contactId: string): Promise<number> {
    const { store, clock } = this.deps;
    let sent = 0;
    if (!(await store.comments.anyFrom(contactId))) return 0; // most parents: nothing to look through
    for (const c of await store.comments.list({ contactId, limit: 50 })) {
      if (!c.ref || c.status === 'closed') continue;
      const events = await store.comments.events(c.id);
      const delivered = new Set(events.map((e) => e.details.pendingEventId).filter(Boolean));
      for (const e of events) {
        if (e.kind !== 'reply' || e.details.delivery !== 'pending_outside_window' || delivered.has(e.id)) continue;
        await this.deps.outbox.sendProactive(c.ref, [{ type: 'text', text: this.schoolReply(await this.deps.store.contacts.findByRef(c.ref), c.code, String(e.details.text)) }]);
        const at = clock().toISOString();
        await store.comments.addEvent({ commentId: c.id, at, actor: 'loa', kind: 'reply', details: { text: e.details.text, delivery: 'queued', pendingEventId: e.id } });
        if (!c.firstResponseAt) await store.comments.update(c.id, { firstResponseAt: (c.firstResponseAt = at) }, at);
        sent++;
      }
    }
    return sent;
  }

  /** For the reminder job: comments past their first-answer target, each reminded once a day at most. */
  async remindOverdue(): Promise<number> {
    const now = this.deps.clock();
    const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString();
    const overdue = (await this.deps.store.comments.list({ status: 'new', limit: 1000 }))
      .filter((c) => !c.firstResponseAt && c.dueAt < now.toISOString() && (!c.remindedAt || c.remindedAt < dayAgo));
    for (const c of overdue) {
      const assignee = c.assignedTo ? await this.deps.store.users.get(c.assignedTo) : null;
      const to = assignee ? [assignee] : await this.deps.staff.usersWithRole('principal', 'admin');
      await this.deps.staff.notifyUsers(to, `Nhắc: phản ánh ${c.code}${c.severity === 'urgent' ? ' (KHẨN)' : ''} đã quá hạn trả lời (hạn ${c.dueAt.slice(0, 16).replace('T', ' ')} UTC).`);
      await this.deps.store.comments.update(c.id, { remindedAt: now.toISOString() }, now.toISOString());
      await this.deps.store.comments.addEvent({ commentId: c.id, at: now.toISOString(), actor: 'loa', kind: 'reminder', details: { to: to.map((u) => u.id) } });
    }
    return overdue.length;
  }
}

export const actorOf = (user: User) => `${user.name} (${user.id})`;

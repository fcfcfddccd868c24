// Announcements under the spokesperson rule: staff draft and submit, only the principal (or an
// admin) approves, and nothing reaches families before that. Approval sends at once, at the chosen
// time, or on a schedule; each run becomes one delivery per recipient, de-duplicated, in one
// transaction. Texts are filled per recipient when sent (name, class, date, next week's menu).
import type { Logger } from 'pino';
import { z } from '@botpress/sdk';
import type { Broadcast, Delivery, ExtraRecipient, Store, User } from '../../store/types.ts';
import { SCHOOL_GROUP, STAFF_GROUP } from '../../store/types.ts';
import type { OutgoingMessage } from '../../core/messages.ts';
import { conversationKey } from '../../core/messages.ts';
import { addDays, formatDate, formatDayInWeek, mondayOf, todayIn } from '../../core/dates.ts';
import type { SchoolService } from '../../school/school-service.ts';
import { mealsBetween } from '../school-info/calendar-service.ts';
import { groupRef, type ZaloGroupDirectory } from '../../channels/zalo-personal/zalo-groups.ts';
import { isValidCron, nextCronTime } from '../../jobs/cron-next.ts';
import { formatIssues } from '../../core/validation.ts';
import type { GroupDirectory } from './groups.ts';

export class BroadcastError extends Error {
  /** `code`, when set, is the error's code in the API's answer (the console says it in the person's language). */
  constructor(readonly status: number, message: string, readonly code?: string) {
    super(message);
  }
}

export const broadcastInput = z.object({
  title: z.string().trim().min(1, 'title is required').max(200),
  text: z.object({ vi: z.string().trim().min(1, 'text.vi is empty').max(4000), en: z.string().trim().max(4000).optional() }),
  audience: z.object({ groups: z.array(z.string()).min(1, 'the audience is empty') }),
  sendAt: z.string().datetime({ offset: true }).optional(),
  cron: z.string().optional(),
  imageUrl: z.string().url().optional(),
  link: z.object({ url: z.string().url(), title: z.string().min(1).max(200) }).optional(),
}).strict();
export type BroadcastInput = z.infer<typeof broadcastInput>;

const EDITABLE = new Set(['draft', 'rejected']);
const FINAL = new Set(['sent', 'cancelled']);
const APPROVED = new Set(['scheduled', 'sending']);

export class BroadcastService {
  constructor(private readonly deps: {
    store: Store; groups: GroupDirectory; school: SchoolService; zaloGroups: ZaloGroupDirectory;
    zaloAccountId: () => string | null; logger: Logger; clock: () => Date; timeZone: string;
    /** A school with one approver lets them approve their own announcements (APPROVAL_SELF=1). */
    allowSelfApproval?: boolean;
  }) {}

  private async validate(input: unknown): Promise<BroadcastInput> {
    const parsed = broadcastInput.safeParse(input);
    if (!parsed.success) throw new BroadcastError(400, formatIssues(parsed.error));
    const b = parsed.data;
    const unknown = await this.deps.groups.unknown(b.audience.groups);
    if (unknown.length) throw new BroadcastError(400, `unknown group ${unknown.map((g) => `"${g}"`).join(', ')}`);
    if (b.cron !== undefined && !isValidCron(b.cron)) throw new BroadcastError(400, `cron "${b.cron}" does not parse (five fields: minute hour day month weekday)`);
    if (b.sendAt !== undefined && Date.parse(b.sendAt) <= this.deps.clock().getTime()) throw new BroadcastError(400, `sendAt ${b.sendAt} is in the past`);
    return b;
  }

  async create(user: User, input: unknown): Promise<Broadcast> {
    const b = await this.validate(input);
    const now = this.deps.clock().toISOString();
    return this.deps.store.broadcasts.create({
      title: b.title, text: b.text, audience: b.audience, media: b.imageUrl || b.link ? { imageUrl: b.imageUrl, link: b.link } : null,
      sendAt: b.sendAt ?? null, cron: b.cron ?? null, status: 'draft', createdBy: user.id, submittedBy: null, decidedBy: null,
      rejectReason: null, nextRunAt: null, createdAt: now,
    });
  }

  async get(id: number): Promise<Broadcast> {
    const b = await this.deps.store.broadcasts.get(id);
    if (!b) throw new BroadcastError(404, `no broadcast ${id}`);
    return b;
  }

  async edit(user: User, id: number, input: unknown): Promise<Broadcast> {
    const current = await this.get(id);
    if (!EDITABLE.has(current.status)) throw new BroadcastError(409, `a ${current.status} broadcast cannot be edited`);
    if (current.createdBy !== user.id) throw new BroadcastError(403, 'only the author edits a draft');
    const b = await this.validate(input);
    return (await this.deps.store.broadcasts.update(id, {
      title: b.title, text: b.text, audience: b.audience, media: b.imageUrl || b.link ? { imageUrl: b.imageUrl, link: b.link } : null,
      sendAt: b.sendAt ?? null, cron: b.cron ?? null, status: 'draft', rejectReason: null,
    }, this.deps.clock().toISOString()))!;
  }

  async submit(user: User, id: number): Promise<Broadcast> {
    const b = await this.get(id);
    if (!EDITABLE.has(b.status)) throw new BroadcastError(409, `a ${b.status} broadcast cannot be submitted`);
    if (b.createdBy !== user.id) throw new BroadcastError(403, 'only the author submits a draft');
    // Nobody would receive it: approving it would "send" to no one and call it sent.
    if ((await this.audience(b.audience.groups)).total === 0) throw new BroadcastError(409, 'nobody would receive it today: choose other groups, or add subscribers first', 'no_recipients');
    return (await this.deps.store.broadcasts.update(id, { status: 'pending_approval', submittedBy: user.id }, this.deps.clock().toISOString()))!;
  }

  /** Whether approving this broadcast would be the user approving their own. */
  isOwn(user: User, b: Broadcast): boolean {
    return b.createdBy === user.id || b.submittedBy === user.id;
  }

  /** Whether this user may approve or reject it now (the console shows the buttons only then). */
  mayDecide(user: User, b: Broadcast): boolean {
    const approver = user.role === 'principal' || user.role === 'admin';
    return approver && b.status === 'pending_approval' && (!this.isOwn(user, b) || !!this.deps.allowSelfApproval);
  }

  /** The principal's (or an admin's) yes: scheduled, or sending at once. A second person's, unless the school allows self-approval. */
  async approve(user: User, id: number): Promise<Broadcast> {
    const b = await this.get(id);
    if (b.status !== 'pending_approval') throw new BroadcastError(409, `only a broadcast pending approval can be approved (this one is ${b.status})`);
    if (this.isOwn(user, b) && !this.deps.allowSelfApproval) {
      throw new BroadcastError(403, 'another principal or admin approves what you wrote or submitted (a school with one approver sets APPROVAL_SELF=1)', 'self_approval');
    }
    const now = this.deps.clock();
    if (b.sendAt && Date.parse(b.sendAt) <= now.getTime() && !b.cron) throw new BroadcastError(409, `its time ${b.sendAt} has passed; edit it and submit again`, 'time_passed');
    const nextRunAt = b.cron
      ? nextCronTime(b.cron, b.sendAt ? new Date(Math.max(now.getTime(), Date.parse(b.sendAt) - 60_000)) : now, this.deps.timeZone)?.toISOString() ?? null
      : b.sendAt ?? now.toISOString();
    const approved = (await this.deps.store.broadcasts.update(id, { status: 'scheduled', decidedBy: user.id, nextRunAt }, now.toISOString()))!;
    if (!b.cron && !b.sendAt) return this.startRun(approved, now.toISOString());
    return approved;
  }

  async reject(user: User, id: number, reason: string): Promise<Broadcast> {
    const b = await this.get(id);
    if (b.status !== 'pending_approval') throw new BroadcastError(409, `only a broadcast pending approval can be rejected (this one is ${b.status})`);
    return (await this.deps.store.broadcasts.update(id, { status: 'rejected', decidedBy: user.id, rejectReason: reason }, this.deps.clock().toISOString()))!;
  }

  /** Stops what has not been sent yet; what is already sent stays sent. Once approved, only a principal or an admin cancels. */
  async cancel(user: User, id: number): Promise<{ broadcast: Broadcast; cancelled: number }> {
    const b = await this.get(id);
    if (FINAL.has(b.status)) throw new BroadcastError(409, `a ${b.status} broadcast cannot be cancelled`);
    const approver = user.role === 'principal' || user.role === 'admin';
    if (!approver && (APPROVED.has(b.status) || b.createdBy !== user.id)) {
      throw new BroadcastError(403, APPROVED.has(b.status) ? 'an approved broadcast is cancelled by a principal or an admin' : 'only the author or a principal or admin cancels this broadcast');
    }
    const broadcast = (await this.deps.store.broadcasts.update(id, { status: 'cancelled', nextRunAt: null }, this.deps.clock().toISOString()))!;
    const cancelled = await this.deps.store.deliveries.cancelPending(id);
    await this.deps.store.flush();
    return { broadcast, cancelled };
  }

  /**
   * Failed deliveries go out again (never the uncertain ones: they may have arrived). A finished run
   * is opened again so that the dispatcher's tick closes it when the retries are done.
   */
  async retryFailed(user: User, id: number): Promise<{ broadcast: Broadcast; retried: number }> {
    const b = await this.get(id);
    if (b.status === 'cancelled') throw new BroadcastError(409, 'a cancelled broadcast is not sent again');
    if (!APPROVED.has(b.status) && b.status !== 'sent') throw new BroadcastError(409, `a ${b.status} broadcast has nothing to retry`);
    const now = this.deps.clock().toISOString();
    const retried = await this.deps.store.deliveries.retryFailed(id, now);
    const broadcast = retried > 0 && b.status === 'sent' ? (await this.deps.store.broadcasts.update(id, { status: 'sending' }, now))! : b;
    await this.deps.store.flush();
    this.deps.logger.info({ broadcast: id, retried, by: user.id }, 'failed deliveries retried');
    return { broadcast, retried };
  }

  /** How many recipients a run to these groups would have today, per channel (before submitting). */
  async audience(groups: string[]): Promise<{ total: number; byChannel: Record<string, number> }> {
    const { store } = this.deps;
    const everyone = groups.includes(SCHOOL_GROUP);
    const recipients = new Map<string, string>();
    for (const s of await store.subscriptions.list({ limit: 1_000_000 })) {
      if (groups.includes(s.groupId) || (everyone && s.groupId !== STAFF_GROUP)) recipients.set(`contact:${s.contactId}`, s.channel);
    }
    for (const x of await this.extraRecipients(groups)) if (!recipients.has(x.recipient)) recipients.set(x.recipient, x.ref.channel);
    const byChannel: Record<string, number> = {};
    for (const channel of recipients.values()) byChannel[channel] = (byChannel[channel] ?? 0) + 1;
    return { total: recipients.size, byChannel };
  }

  /** The next `n` send times of a schedule (a time, a cron from a time, or now). */
  nextRuns(input: { sendAt?: string | null; cron?: string | null }, n = 3): string[] {
    const now = this.deps.clock();
    if (!input.cron) return input.sendAt ? [input.sendAt] : [];
    if (!isValidCron(input.cron)) return [];
    const out: string[] = [];
    let after = input.sendAt ? new Date(Math.max(now.getTime(), Date.parse(input.sendAt) - 60_000)) : now;
    for (let i = 0; i < n; i++) {
      const next = nextCronTime(input.cron, after, this.deps.timeZone);
      if (!next) break;
      out.push(next.toISOString());
      after = next;
    }
    return out;
  }

  /** The messages as a parent would get them: a sample family of the audience's first class. */
  sample(b: Pick<Broadcast, 'text' | 'audience' | 'media'>, locale: 'vi' | 'en'): OutgoingMessage[] {
    const classIds = new Set(this.deps.school.get('classes').map((c) => c.id));
    const cls = b.audience.groups.filter((g) => classIds.has(g)).slice(0, 1);
    const d = { locale, groups: cls, name: null } as unknown as Delivery;
    return this.render(b as Broadcast, d);
  }

  /** Expands the audience for one run and marks the broadcast sending. */
  async startRun(b: Broadcast, runAt: string): Promise<Broadcast> {
    const extra = await this.extraRecipients(b.audience.groups);
    const count = await this.deps.store.deliveries.expand(b.id, runAt, b.audience.groups, extra, this.deps.clock().toISOString());
    this.deps.logger.info({ broadcast: b.id, runAt, recipients: count }, 'broadcast run started');
    const updated = (await this.deps.store.broadcasts.update(b.id, { status: 'sending', nextRunAt: runAt }, this.deps.clock().toISOString()))!;
    await this.deps.store.flush();
    return updated;
  }

  /** Staff on their linked accounts, and the class Zalo groups mapped to targeted classes. */
  private async extraRecipients(groups: string[]): Promise<ExtraRecipient[]> {
    const { store } = this.deps;
    const extra: ExtraRecipient[] = [];
    if (groups.includes(STAFF_GROUP)) {
      for (const link of await store.staffLinks.all()) {
        const contact = await store.contacts.findByRef(link.ref);
        const user = await store.users.get(link.userId);
        if (!user || user.disabled) continue;
        extra.push({ recipient: contact ? `contact:${contact.id}` : `staff:${conversationKey(link.ref)}`, contactId: null, ref: link.ref, locale: contact?.locale ?? 'vi', groups: [STAFF_GROUP], name: user.name });
      }
    }
    const account = this.deps.zaloAccountId();
    if (account) {
      for (const g of await this.deps.zaloGroups.list()) {
        if (!g.classId || !(groups.includes(g.classId) || groups.includes('school'))) continue;
        extra.push({ recipient: `zalo_group:${g.id}`, contactId: null, ref: groupRef(g.id, account), locale: 'vi', groups: [g.classId], name: null });
      }
    }
    return extra;
  }

  /** Starts due runs; closes runs with nothing left to send (a recurring one waits for its next time). */
  async tick(): Promise<void> {
    const { store, clock } = this.deps;
    const now = clock();
    for (const b of await store.broadcasts.due(now.toISOString())) await this.startRun(b, b.nextRunAt!);
    for (const b of await store.broadcasts.list({ status: 'sending' })) {
      if ((await store.deliveries.unfinished(b.id)) > 0) continue;
      const next = b.cron ? nextCronTime(b.cron, now, this.deps.timeZone) : null;
      await store.broadcasts.update(b.id, next ? { status: 'scheduled', nextRunAt: next.toISOString() } : { status: 'sent' }, now.toISOString());
    }
  }

  /** The messages one recipient gets, with the variables filled in their language. */
  render(b: Broadcast, d: Delivery): OutgoingMessage[] {
    const locale = d.locale === 'en' && b.text.en ? 'en' : 'vi';
    const classes = this.deps.school.get('classes');
    const classNames = d.groups.map((g) => classes.find((c) => c.id === g)?.name).filter(Boolean).join(', ');
    const today = todayIn(this.deps.timeZone, this.deps.clock());
    const vars: Record<string, () => string> = {
      name: () => d.name ?? (locale === 'en' ? 'Parents' : 'Quý phụ huynh'),
      class: () => classNames,
      date: () => formatDate(today, locale),
      menu_next_week: () => this.weekMenu(addDays(mondayOf(today), 7), locale),
    };
    const text = b.text[locale]!.replace(/\{(\w+)\}/g, (m, k: string) => (vars[k] ? vars[k]() : m));
    const out: OutgoingMessage[] = [{ type: 'text', text }];
    if (b.media?.imageUrl) out.push({ type: 'image', url: b.media.imageUrl });
    if (b.media?.link) out.push({ type: 'link', url: b.media.link.url, title: b.media.link.title });
    return out;
  }

  private weekMenu(monday: string, locale: 'vi' | 'en'): string {
    const { school } = this.deps;
    const lines = mealsBetween(school.all, monday, addDays(monday, 6))
      .map(({ date, meal }) => `• ${formatDayInWeek(date, locale)}: ${meal.lunch[locale]}${meal.snack ? `; ${meal.snack[locale]}` : ''}`);
    return lines.length ? lines.join('\n') : locale === 'en' ? '(no school days next week)' : '(tuần tới không có ngày học)';
  }
}

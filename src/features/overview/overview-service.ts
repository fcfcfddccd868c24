// The console's first screen, per person: what needs them now. Urgent and overdue comments first,
// announcements waiting (approval for the principal), today's absences per class, the questions
// Loa could not answer, and for those who keep Loa running the channels and open alerts. Staff
// limited to classes count their classes only; viewers (the commune) get counts, nothing personal.
import type { CommentStatus, Store, User } from '../../store/types.ts';
import type { SchoolService } from '../../school/school-service.ts';
import type { CommentService } from '../comments/comment-service.ts';
import type { ChannelSet } from '../../channels/setup.ts';
import { todayIn } from '../../core/dates.ts';

export const OPEN_STATUSES: CommentStatus[] = ['new', 'acknowledged', 'in_progress'];
const LEADERS = new Set(['admin', 'principal']);
const ITEMS = 8;

export interface OverviewComment {
  id: number; code: string; createdAt: string; classId: string | null; category: string; severity: string; status: CommentStatus;
  dueAt: string; firstResponseAt: string | null; overdue: boolean; assignedTo: string | null;
}

export interface Overview {
  at: string;
  comments: { open: number; urgent: number; overdue: number; unassigned: number; mine: number; items: OverviewComment[] };
  broadcasts: { pendingApproval: number | null; scheduled: number; sending: number };
  absences: { date: string; total: number; byClass: { classId: string; name: string; count: number }[] };
  unanswered: number | null;
  channels: Record<string, { on: boolean; paused?: string | null; state?: string }> | null;
  alerts: { open: number; items: { id: number; at: string; kind: string }[] } | null;
}

type Ordered = { severity: string; status: string; overdue: boolean; dueAt: string; createdAt: string; firstResponseAt?: string | null };
/** 0: urgent and not answered yet, 1: overdue, 2: the rest. */
const rank = (c: Ordered) => (c.severity === 'urgent' && !c.firstResponseAt && OPEN_STATUSES.includes(c.status as CommentStatus) ? 0 : c.overdue ? 1 : 2);
/** Urgent ones waiting for an answer, then overdue ones, the nearest deadline first; then the newest. */
export function commentOrder(a: Ordered, b: Ordered): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  return ra < 2 ? a.dueAt.localeCompare(b.dueAt) : b.createdAt.localeCompare(a.createdAt);
}

export class OverviewService {
  constructor(private readonly deps: {
    store: Store; school: SchoolService; comments: CommentService; channels: ChannelSet; timeZone: string; clock: () => Date;
    unansweredCount: (user: User) => Promise<number>;
  }) {}

  async build(user: User, date?: string): Promise<Overview> {
    const { store, school, clock, comments } = this.deps;
    const leader = LEADERS.has(user.role);
    const now = clock().toISOString();
    // Staff limited to classes count their classes only (comments.canSee's rule, in the query).
    const classIds = user.role === 'staff' && user.classIds.length ? user.classIds : undefined;
    const open = { classIds, statuses: OPEN_STATUSES };
    const urgent = { ...open, severity: 'urgent' as const, unanswered: true };
    const overdue = { classIds, statuses: ['new' as CommentStatus], unanswered: true, dueBefore: now };
    const [openCount, urgentCount, overdueCount, unassigned, assignedToMe, urgentList, overdueList] = await Promise.all([
      store.comments.count(open), store.comments.count(urgent), store.comments.count(overdue),
      store.comments.count({ ...open, assignedTo: null }), store.comments.count({ ...open, assignedTo: user.id }),
      store.comments.list({ ...urgent, limit: ITEMS }), store.comments.list({ ...overdue, limit: ITEMS }),
    ]);
    const seen = new Set<number>();
    const items: OverviewComment[] = [...urgentList, ...overdueList]
      .filter((c) => !seen.has(c.id) && (seen.add(c.id), comments.canSee(user, c)))
      .map((c) => ({
        id: c.id, code: c.code, createdAt: c.createdAt, classId: c.classId, category: c.category, severity: c.severity, status: c.status,
        dueAt: c.dueAt, firstResponseAt: c.firstResponseAt, overdue: Boolean(comments.present(user, c).overdue), assignedTo: c.assignedTo,
      }))
      .sort(commentOrder)
      .slice(0, ITEMS);

    const [pending, scheduled, sending] = await Promise.all((['pending_approval', 'scheduled', 'sending'] as const).map((status) => store.broadcasts.list({ status, limit: 10_000 })));

    const day = date ?? todayIn(this.deps.timeZone, clock());
    const classes = school.get('classes');
    const absences = await store.absences.list({ from: day, to: day, classIds });
    const byClass = classes
      .filter((k) => !classIds || classIds.includes(k.id))
      .map((k) => ({ classId: k.id, name: k.name, count: absences.filter((a) => a.classId === k.id).length }));

    let alerts: Overview['alerts'] = null;
    if (leader) {
      const list = await store.alerts.list({ open: true, limit: 1000 });
      alerts = { open: list.length, items: list.slice(0, 5).map((a) => ({ id: a.id, at: a.at, kind: a.kind })) };
    }
    return {
      at: now,
      comments: { open: openCount, urgent: urgentCount, overdue: overdueCount, unassigned, mine: assignedToMe, items },
      broadcasts: { pendingApproval: leader ? pending.length : null, scheduled: scheduled.length, sending: sending.length },
      absences: { date: day, total: absences.length, byClass },
      unanswered: user.role === 'viewer' ? null : await this.deps.unansweredCount(user),
      channels: leader ? this.channelHealth() : null,
      alerts,
    };
  }

  private channelHealth(): NonNullable<Overview['channels']> {
    const { channels } = this.deps;
    return {
      webchat: { on: true },
      messenger: channels.messenger ? { on: true, paused: channels.messenger.paused } : { on: false },
      zalo_oa: { on: Boolean(channels.zaloOa) },
      zalo_personal: channels.zaloPersonal ? { on: true, state: channels.zaloPersonal.state } : { on: false },
    };
  }
}

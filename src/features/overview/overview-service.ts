// The console's first screen, per person: what needs them now. Urgent and overdue comments first,
// announcements waiting (approval for the principal), today's absences per class, the questions
// Loa could not answer, and for those who keep Loa running the channels and open alerts. Staff
// limited to classes count their classes only; viewers (the commune) get counts, nothing personal.
import type { Comment, CommentStatus, Store, User } from '../../store/types.ts';
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

  /** The open comments a user may see (new, acknowledged, in progress). */
  async openComments(user: User): Promise<Comment[]> {
    const classIds = user.role === 'staff' && user.classIds.length ? user.classIds : undefined;
    const lists = await Promise.all(OPEN_STATUSES.map((status) => this.deps.store.comments.list({ status, classIds, limit: 100_000 })));
    return lists.flat().filter((c) => this.deps.comments.canSee(user, c));
  }

  async build(user: User, date?: string): Promise<Overview> {
    const { store, school, clock, comments } = this.deps;
    const leader = LEADERS.has(user.role);
    const open = (await this.openComments(user)).map((c) => ({ c, overdue: Boolean(comments.present(user, c).overdue) }));
    const items: OverviewComment[] = open
      .filter(({ c, overdue }) => overdue || (c.severity === 'urgent' && !c.firstResponseAt))
      .map(({ c, overdue }) => ({
        id: c.id, code: c.code, createdAt: c.createdAt, classId: c.classId, category: c.category, severity: c.severity, status: c.status,
        dueAt: c.dueAt, firstResponseAt: c.firstResponseAt, overdue, assignedTo: c.assignedTo,
      }))
      .sort(commentOrder)
      .slice(0, ITEMS);

    const [pending, scheduled, sending] = await Promise.all((['pending_approval', 'scheduled', 'sending'] as const).map((status) => store.broadcasts.list({ status, limit: 10_000 })));

    const day = date ?? todayIn(this.deps.timeZone, clock());
    const classes = school.get('classes');
    const mine = user.role === 'staff' && user.classIds.length ? user.classIds : null;
    const absences = await store.absences.list({ from: day, to: day, classIds: mine ?? undefined });
    const byClass = classes
      .filter((k) => !mine || mine.includes(k.id))
      .map((k) => ({ classId: k.id, name: k.name, count: absences.filter((a) => a.classId === k.id).length }));

    let alerts: Overview['alerts'] = null;
    if (leader) {
      const list = await store.alerts.list({ open: true, limit: 1000 });
      alerts = { open: list.length, items: list.slice(0, 5).map((a) => ({ id: a.id, at: a.at, kind: a.kind })) };
    }
    return {
      at: clock().toISOString(),
      comments: {
        open: open.length,
        urgent: open.filter(({ c }) => c.severity === 'urgent').length,
        overdue: open.filter(({ overdue }) => overdue).length,
        unassigned: open.filter(({ c }) => !c.assignedTo).length,
        mine: open.filter(({ c }) => c.assignedTo === user.id).length,
        items,
      },
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

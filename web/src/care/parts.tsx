// Pieces shared by the overview, the comments and the absences: a live deadline, labels that do
// not rely on colour alone, the classes' names, and the live stream's state.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.ts';
import { formatDateTime as dateTime, lang, t } from '../i18n.ts';
import { useCoalesced, useLive, type LiveState } from './live.ts';
import type { Overview, SchoolClass } from './types.ts';
import './care.css';

/** The time now, ticking every few seconds for every deadline on the screen. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** "2 ngày 3 giờ", "42 phút": the two largest units, in the reader's language. */
export function duration(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = d ? [t('comments.days', { count: d }), h ? t('comments.hours', { count: h }) : ''] : h ? [t('comments.hours', { count: h }), m ? t('comments.minutes', { count: m }) : ''] : [t('comments.minutes', { count: m })];
  return parts.filter(Boolean).join(' ');
}

export { dateTime };

/** The time left to the first answer, or how late it is, or when it was given. */
export function Deadline(props: { dueAt: string; firstResponseAt: string | null; status: string; now: number }) {
  if (props.firstResponseAt) return <span class="deadline done">{t('comments.answeredAt', { at: dateTime(props.firstResponseAt) })}</span>;
  if (props.status === 'resolved' || props.status === 'closed') return null;
  const left = Date.parse(props.dueAt) - props.now;
  return left >= 0
    ? <span class="deadline" data-testid="deadline">{t('comments.left', { time: duration(left) })}</span>
    : <span class="deadline late" data-testid="deadline"><span aria-hidden="true">⏰ </span>{t('comments.late', { time: duration(left) })}</span>;
}

export function Severity(props: { severity: string }) {
  return props.severity === 'urgent' ? <span class="tag urgent"><span aria-hidden="true">⚠ </span>{t('comments.urgent')}</span> : null;
}

export function Status(props: { status: string }) {
  return <span class={`tag status-${props.status}`}>{t(`comments.status.${props.status}`)}</span>;
}

let classesCache: Promise<SchoolClass[]> | null = null;
/** The school's classes (id → name), read once per page. */
export function useClasses(): SchoolClass[] {
  const [classes, setClasses] = useState<SchoolClass[]>([]);
  useEffect(() => {
    classesCache ??= get<{ data: SchoolClass[] }>('/admin/school/classes').then((r) => r.data, () => { classesCache = null; return []; });
    classesCache.then(setClasses);
  }, []);
  return classes;
}
export const className = (classes: SchoolClass[], id: string | null | undefined) => (id ? classes.find((c) => c.id === id)?.name ?? id : t('comments.noClass'));

/** Whether the screen is following live, said in words (and to screen readers when it changes). */
export function LiveStatus(props: { state: LiveState }) {
  return (
    <p class={`live live-${props.state}`} role="status" data-testid="live-state">
      <span aria-hidden="true">{props.state === 'live' ? '● ' : '○ '}</span>{t(`overview.live.${props.state}`)}
    </p>
  );
}

/** The comments waiting for an answer past their time or urgently, on the navigation's "Comments" item, kept live. */
export function CommentsBadge() {
  const [count, setCount] = useState(0);
  const load = () => { get<{ overview: Overview }>('/admin/overview').then((r) => setCount(r.overview.comments.urgent + r.overview.comments.overdue), () => {}); };
  const reload = useCoalesced(load, 1000);
  useEffect(load, []);
  useLive((e) => { if (e.kind === 'comment' || e.kind === 'resync') reload(); });
  return count > 0 ? <span class="badge" data-testid="comments-badge">{count}<span class="sr-only"> {t('comments.badge')}</span></span> : null;
}

/** Who wrote a comment, in the reader's language: "Ẩn danh" when the parent's name is hidden from them. */
export function parentName(c: { anonymous?: boolean; ref?: unknown; displayName?: string | null }): string {
  if (c.anonymous && !c.ref) return t('comments.anonymousParent');
  return c.displayName ?? t('comments.noName');
}

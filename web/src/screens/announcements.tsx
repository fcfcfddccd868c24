// Announcements by state (Nháp → Chờ duyệt → Đã lên lịch / Đang gửi → Đã gửi, or Bị từ chối),
// those waiting for the principal first; a new one from here; groups and subscribers one link away.
import type { ComponentChildren } from 'preact';
import { get } from '../api.ts';
import { t } from '../i18n.ts';
import { BASE, Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Forbidden, Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import { STATUSES, type Broadcast, type BroadcastStatus, type Group } from './announcement-types.ts';
import { StatusBadge, audienceNames, schoolTime, whenText } from './announcement-parts.tsx';
import { Composer } from './announcement-composer.tsx';

export function Announcements() {
  useTitle(t('announcements.title'));
  const me = useSession().me!.user;
  const { query } = useLocation();
  const status = (query.get('status') ?? '') as BroadcastStatus | '';
  const list = useLoad(() => get<{ broadcasts: Broadcast[]; names: Record<string, string> }>('/admin/broadcasts'));
  const groups = useLoad(() => get<{ groups: Group[] }>('/admin/groups'));
  const all = list.data?.broadcasts ?? [];
  const count = (s: BroadcastStatus) => all.filter((b) => b.status === s).length;
  // What waits for the principal comes first for those who approve; then the newest.
  const leader = me.role === 'principal' || me.role === 'admin';
  const rank = (b: Broadcast) => (leader && b.status === 'pending_approval' ? 0 : 1);
  const shown = all.filter((b) => !status || b.status === status).sort((a, b) => rank(a) - rank(b) || b.id - a.id);

  return (
    <section>
      <PageTitle>{t('announcements.title')}</PageTitle>
      <div class="row">
        {me.role !== 'viewer' && <a class="button primary" href={`${BASE}/announcements/new`} onClick={go('/announcements/new')}>{t('announcements.new')}</a>}
        <Link href="/groups" class="button">{t('groups.title')}</Link>
      </div>
      <nav class="tabs" aria-label={t('announcements.byStatus')}>
        <ul>
          <Tab href="/announcements" current={!status}>{t('announcements.all')} ({all.length})</Tab>
          {STATUSES.map((s) => (
            <Tab key={s} href={`/announcements?status=${s}`} current={status === s}>
              {t(`announcements.status.${s}`)} ({count(s)})
              {s === 'pending_approval' && count(s) > 0 && leader ? <span class="badge" aria-hidden="true">!</span> : null}
            </Tab>
          ))}
        </ul>
      </nav>
      {list.error ? <Notice kind="error">{errorText(list.error)}</Notice> : !list.data ? <Loading /> : shown.length === 0 ? <p>{t('announcements.empty')}</p> : (
        <ul class="list announcement-list">
          {shown.map((b) => (
            <li key={b.id} class="item">
              <div class="grow">
                <h2 class="sample"><Link href={`/announcements/${b.id}`}>{b.title}</Link></h2>
                <p class="hint">
                  <StatusBadge status={b.status} /> · {audienceNames(b.audience.groups, groups.data?.groups)} · {whenText(b)}
                  {b.status === 'scheduled' && b.nextRunAt ? ` · ${t('announcements.nextRun')}: ${schoolTime(b.nextRunAt)}` : ''}
                </p>
                <p class="hint">{t('announcements.by', { name: list.data!.names[b.createdBy] ?? '?' })} · {schoolTime(b.updatedAt)}</p>
                {b.status === 'rejected' && b.rejectReason && <p class="warn"><span aria-hidden="true">✗ </span>{t('announcements.rejectReason')} {b.rejectReason}</p>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const go = (to: string) => (e: MouseEvent) => {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  e.preventDefault();
  navigate(to);
};

function Tab(props: { href: string; current: boolean; children: ComponentChildren }) {
  return <li><a href={BASE + props.href} aria-current={props.current ? 'page' : undefined} onClick={go(props.href)}>{props.children}</a></li>;
}

export function NewAnnouncement() {
  useTitle(t('announcements.new'));
  const me = useSession().me!.user;
  if (me.role === 'viewer') return <Forbidden />;
  return (
    <section>
      <p class="crumb"><Link href="/announcements">{t('announcements.back')}</Link></p>
      <PageTitle>{t('announcements.new')}</PageTitle>
      <Composer />
    </section>
  );
}

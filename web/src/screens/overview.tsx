// Tổng quan: what needs this person now, kept current by the live stream without a reload.
// Urgent and overdue comments first, announcements (approval for the principal), today's absences
// per class, unanswered questions, and for those who keep Loa running the channels and alerts.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.ts';
import { t } from '../i18n.ts';
import { Link } from '../router.tsx';
import { allowed, useSession } from '../session.tsx';
import { Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import { useCoalesced, useLive } from '../care/live.ts';
import { Deadline, LiveStatus, Severity, className, useClasses, useNow } from '../care/parts.tsx';
import type { Overview as OverviewData } from '../care/types.ts';

export function Overview() {
  useTitle(t('overview.title'));
  const session = useSession();
  useEffect(() => { session.refresh(); }, []);
  const me = session.me!;
  const role = me.user.role;
  const data = useLoad(() => get<{ overview: OverviewData }>('/admin/overview').then((r) => r.overview));
  const classes = useClasses();
  const now = useNow();
  const [news, setNews] = useState('');
  const reloadNow = () => { data.reload(); if (allowed(role, 'unanswered')) session.refresh(); };
  // Comments and alerts within half a second; questions, absences and announcements, which a busy
  // morning brings by the hundred, at most every five seconds.
  const soon = useCoalesced(reloadNow, 500);
  const later = useCoalesced(reloadNow, 5000);
  const live = useLive((e) => {
    if (e.kind === 'comment' && e.action === 'created') setNews(e.severity === 'urgent' ? t('overview.newUrgent') : t('overview.newComment'));
    if (e.kind === 'comment' || e.kind === 'alert' || e.kind === 'resync') soon(); else later();
  });
  const o = data.data;
  // Unknown until /me answers (signing in gives the user only): "…" rather than a wrong 0.
  const count = o?.unanswered ?? me.unansweredCount;

  return (
    <section>
      <PageTitle>{t('overview.hello', { name: me.user.name })}</PageTitle>
      <LiveStatus state={live} />
      <div aria-live="polite" class="sr-only" data-testid="overview-news">{news}</div>
      {data.error ? <Notice kind="error">{errorText(data.error)}</Notice> : null}
      {!o && !data.error ? <Loading /> : null}
      <ul class="cards">
        {o && (
          <li class="card" data-testid="overview-comments">
            <h2>{t('comments.title')}</h2>
            <ul class="counts">
              <li><Link href="/comments?view=urgent">{t('overview.urgent')}</Link><strong data-testid="count-urgent">{o.comments.urgent}</strong></li>
              <li><Link href="/comments?view=overdue">{t('overview.overdue')}</Link><strong data-testid="count-overdue">{o.comments.overdue}</strong></li>
              {role !== 'viewer' && <li><Link href="/comments?view=unassigned">{t('overview.unassigned')}</Link><strong>{o.comments.unassigned}</strong></li>}
              {role !== 'viewer' && <li><Link href="/comments?view=mine">{t('overview.mine')}</Link><strong>{o.comments.mine}</strong></li>}
            </ul>
            {o.comments.items.length > 0 && (
              <ul class="list" aria-label={t('overview.needsAnswer')}>
                {o.comments.items.map((c) => (
                  <li key={c.id} class="comment-row pinned" data-testid="overview-item">
                    {role === 'viewer' ? <span>{c.code}</span> : <Link href={`/comments/${c.id}`}>{c.code}</Link>}{' '}
                    <Severity severity={c.severity} />
                    <span class="meta">
                      <span>{className(classes, c.classId)}</span>
                      <span>{t(`comments.category.${c.category}`)}</span>
                      <Deadline dueAt={c.dueAt} firstResponseAt={c.firstResponseAt} status={c.status} now={now} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {o.comments.items.length === 0 && <p>{t('overview.nothingUrgent')}</p>}
            <Link href="/comments">{t('overview.openComments', { count: o.comments.open })}</Link>
          </li>
        )}
        {o && (
          <li class="card" data-testid="overview-absences">
            <h2>{t('absences.title')}</h2>
            <p class="big">{o.absences.total}</p>
            <p>{t('overview.absentToday', { count: o.absences.total })}</p>
            {o.absences.total > 0 && (
              <ul class="counts">
                {o.absences.byClass.filter((c) => c.count > 0).map((c) => (
                  <li key={c.classId}><span>{c.name}</span><strong>{c.count}</strong></li>
                ))}
              </ul>
            )}
            <Link href="/absences">{t('overview.openAbsences')}</Link>
          </li>
        )}
        {o && (
          <li class="card" data-testid="overview-announcements">
            <h2>{t('overview.announcements')}</h2>
            <ul class="counts">
              {o.broadcasts.pendingApproval !== null && (
                <li><Link href="/announcements?status=pending_approval">{t('overview.pendingApproval')}</Link><strong data-testid="count-pending">{o.broadcasts.pendingApproval}</strong></li>
              )}
              <li><Link href="/announcements?status=scheduled">{t('overview.scheduled')}</Link><strong>{o.broadcasts.scheduled}</strong></li>
              <li><Link href="/announcements?status=sending">{t('overview.sending')}</Link><strong>{o.broadcasts.sending}</strong></li>
            </ul>
          </li>
        )}
        {allowed(role, 'unanswered') && (
          <li class="card">
            <h2>{t('nav.unanswered')}</h2>
            <p class="big" data-testid="unanswered-count">{count ?? '…'}</p>
            {count !== undefined && count !== null && <p>{count > 0 ? t('overview.unanswered', { count }) : t('overview.noneUnanswered')}</p>}
            <Link href="/unanswered">{t('overview.openUnanswered')}</Link>
          </li>
        )}
        {o?.channels && (
          <li class="card" data-testid="overview-channels">
            <h2>{t('overview.channels')}</h2>
            <ul class="counts">
              {Object.entries(o.channels).filter(([, c]) => c.on).map(([name, c]) => (
                <li key={name}>
                  <span>{t(`overview.channel.${name}`)}</span>
                  <span class={c.paused || (c.state && c.state !== 'connected') ? 'warn' : ''}>
                    {c.paused ? <><span aria-hidden="true">⚠ </span>{t('overview.paused')}: {c.paused}</>
                      : c.state && c.state !== 'connected' ? <><span aria-hidden="true">⚠ </span>{t(`overview.zaloState.${c.state}`)}</> : t('overview.working')}
                  </span>
                </li>
              ))}
            </ul>
            {o.alerts && (
              <p data-testid="open-alerts">{o.alerts.open > 0 ? <strong class="warn"><span aria-hidden="true">⚠ </span>{t('overview.openAlerts', { count: o.alerts.open })}</strong> : t('overview.noAlerts')}</p>
            )}
            <Link href="/channels">{t('overview.openChannels')}</Link>
          </li>
        )}
        <li class="card">
          <h2>{t('nav.faq')}</h2>
          <p>{t('overview.faq')}</p>
          <Link href="/faq">{t('overview.openFaq')}</Link>
        </li>
        {allowed(role, 'editSchool') && (
          <li class="card">
            <h2>{t('nav.school')}</h2>
            <p>{t('overview.school')}</p>
            <Link href="/school/menus">{t('overview.openMenu')}</Link>
          </li>
        )}
      </ul>
    </section>
  );
}

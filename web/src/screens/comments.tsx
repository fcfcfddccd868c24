// Góp ý & phản ánh: the comments parents left, in views (mine, unassigned, urgent, overdue, all)
// and filters kept in the address (a view can be bookmarked or sent), urgent and overdue first
// with their deadline counting down. New comments appear without a reload (the live stream).
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import { t } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { allowed, useSession } from '../session.tsx';
import { Field, Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import { useCoalesced, useLive } from '../care/live.ts';
import { Deadline, LiveStatus, Severity, Status, className, dateTime, parentName, useClasses, useNow } from '../care/parts.tsx';
import { CATEGORIES, STATUSES, VIEWS, type CommentItem } from '../care/types.ts';

const FILTERS = ['status', 'category', 'sentiment', 'class', 'from', 'to', 'q'] as const;

export function Comments() {
  useTitle(t('comments.title'));
  const { query } = useLocation();
  const me = useSession().me!;
  const viewer = me.user.role === 'viewer';
  const view = (VIEWS as readonly string[]).includes(query.get('view') ?? '') ? query.get('view')! : 'all';
  const asked = new URLSearchParams();
  asked.set('view', view);
  for (const k of FILTERS) if (query.get(k)) asked.set(k, query.get(k)!);
  const key = asked.toString();
  const list = useLoad(() => get<{ comments: CommentItem[] }>(`/admin/comments?${key}&limit=200`).then((r) => r.comments), [key]);
  const classes = useClasses();
  const now = useNow();
  const [news, setNews] = useState('');
  const reload = useCoalesced(() => list.reload());
  const live = useLive((e) => {
    if (e.kind !== 'comment' && e.kind !== 'resync') return;
    if (e.kind === 'comment' && e.action === 'created') setNews(e.severity === 'urgent' ? t('overview.newUrgent') : t('overview.newComment'));
    reload();
  });
  const ownClasses = me.user.role === 'staff' && me.user.classIds.length ? classes.filter((c) => me.user.classIds.includes(c.id)) : classes;

  const go = (params: URLSearchParams) => navigate(`/comments${params.toString() ? `?${params}` : ''}`);
  const onFilter = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const next = new URLSearchParams();
    if (view !== 'all') next.set('view', view);
    for (const k of FILTERS) {
      const v = String(form.get(k) ?? '').trim();
      if (v) next.set(k, v);
    }
    go(next);
  };
  const viewHref = (v: string) => {
    const next = new URLSearchParams(query);
    if (v === 'all') next.delete('view'); else next.set('view', v);
    return `/comments${next.toString() ? `?${next}` : ''}`;
  };

  return (
    <section>
      <PageTitle>{t('comments.title')}</PageTitle>
      <LiveStatus state={live} />
      <div aria-live="polite" class="sr-only">{news}</div>
      {allowed(me.user.role, 'editReplyTemplates') && <p><Link href="/comments/templates">{t('comments.templates.open')}</Link></p>}
      <nav class="tabs" aria-label={t('comments.views')}>
        <ul>
          {VIEWS.filter((v) => !viewer || v === 'all' || v === 'urgent' || v === 'overdue').map((v) => (
            <li key={v}><Link href={viewHref(v)} aria-current={v === view ? 'page' : undefined}>{t(`comments.view.${v}`)}</Link></li>
          ))}
        </ul>
      </nav>
      <details open={FILTERS.some((k) => query.get(k)) || undefined}>
        <summary>{t('comments.filters')}</summary>
        <form class="filters" onSubmit={onFilter} aria-label={t('comments.filters')} key={key}>
          <Field label={t('comments.search')} hint={viewer ? t('comments.searchCodes') : t('comments.searchHint')}>
            {({ id, describedBy }) => <input id={id} name="q" type="search" value={query.get('q') ?? ''} aria-describedby={describedBy} />}
          </Field>
          <Field label={t('comments.statusLabel')}>
            {({ id }) => (
              <select id={id} name="status" value={query.get('status') ?? ''}>
                <option value="">{t('comments.any')}</option>
                {STATUSES.map((s) => <option key={s} value={s}>{t(`comments.status.${s}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('comments.categoryLabel')}>
            {({ id }) => (
              <select id={id} name="category" value={query.get('category') ?? ''}>
                <option value="">{t('comments.any')}</option>
                {CATEGORIES.map((c) => <option key={c} value={c}>{t(`comments.category.${c}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('comments.page.sentiment')}>
            {({ id }) => (
              <select id={id} name="sentiment" value={query.get('sentiment') ?? ''}>
                <option value="">{t('comments.any')}</option>
                {(['negative', 'neutral', 'positive'] as const).map((s) => <option key={s} value={s}>{t(`comments.page.sentimentOf.${s}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('comments.classLabel')}>
            {({ id }) => (
              <select id={id} name="class" value={query.get('class') ?? ''}>
                <option value="">{t('comments.any')}</option>
                {ownClasses.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </select>
            )}
          </Field>
          <Field label={t('comments.from')}>{({ id }) => <input id={id} name="from" type="date" value={query.get('from') ?? ''} />}</Field>
          <Field label={t('comments.to')}>{({ id }) => <input id={id} name="to" type="date" value={query.get('to') ?? ''} />}</Field>
          <div class="row">
            <button type="submit" class="primary">{t('comments.apply')}</button>
            <button type="button" onClick={() => go(new URLSearchParams(view === 'all' ? '' : `view=${view}`))}>{t('comments.clear')}</button>
          </div>
        </form>
      </details>
      {list.error ? <Notice kind="error">{errorText(list.error)}</Notice> : !list.data ? <Loading /> : (
        <>
          <p class="hint" data-testid="comments-total">{t('comments.count', { count: list.data.length })}</p>
          {list.data.length === 0 && <p>{t('comments.empty')}</p>}
          <ul class="list" aria-label={t(`comments.view.${view}`)}>
            {list.data.map((c) => {
              const pinned = (c.severity === 'urgent' && !c.firstResponseAt && ['new', 'acknowledged', 'in_progress'].includes(c.status)) || c.overdue;
              return (
                <li key={c.id} class={`comment-row${pinned ? ' pinned' : ''}`} data-testid="comment-row" data-code={c.code}>
                  <div>
                    {viewer ? <strong>{c.code}</strong> : <Link href={`/comments/${c.id}`}>{c.code}</Link>}{' '}
                    <Severity severity={c.severity} /> <Status status={c.status} />
                    {c.overdue && <span class="tag urgent">{t('comments.overdue')}</span>}
                  </div>
                  {c.text !== undefined && <p class="text">{c.text.length > 180 ? `${c.text.slice(0, 180)}…` : c.text}</p>}
                  <p class="meta">
                    <span>{className(classes, c.classId)}</span>
                    <span>{t(`comments.category.${c.category}`)}</span>
                    {c.displayName !== undefined && <span>{parentName(c)}</span>}
                    <span>{dateTime(c.createdAt)}</span>
                    <Deadline dueAt={c.dueAt} firstResponseAt={c.firstResponseAt} status={c.status} now={now} />
                  </p>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

// One announcement: its content, status and schedule; for its author while a draft (or rejected,
// with the principal's reason) the composer; for the principal what changed since she last decided
// and approve / reject always in reach; while sending a live progress bar fed by the event stream;
// afterwards each recipient once with their status and the platform's reason, and the failed ones
// sent again on a principal's or admin's word (never the uncertain ones: they may have arrived).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.ts';
import { t } from '../i18n.ts';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Field, Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import type { Broadcast, BroadcastDetail, Counts, Delivery, DeliveryStatus, Group, Preview, Review } from './announcement-types.ts';
import { ChatPreview, Lifecycle, ScrollTable, StatusBadge, useAboveNav, audienceNames, channelName, reasonText, schoolTime, whenText } from './announcement-parts.tsx';
import { Composer } from './announcement-composer.tsx';

const LIVE = new Set(['scheduled', 'sending']);

export function AnnouncementDetail(props: { id: string }) {
  const session = useSession();
  const me = session.me!.user;
  const { query } = useLocation();
  const detail = useLoad(() => get<BroadcastDetail>(`/admin/broadcasts/${encodeURIComponent(props.id)}`), [props.id]);
  const groups = useLoad(() => get<{ groups: Group[] }>('/admin/groups'));
  const [notice, setNotice] = useState(query.get('done') ? t(`announcements.done.${query.get('done')}`) : '');
  const [error, setError] = useState('');
  useTitle(detail.data?.broadcast.title ?? t('announcements.title'));

  if (detail.error) {
    return (
      <section>
        <PageTitle>{t('announcements.title')}</PageTitle>
        <Notice kind="error">{detail.error instanceof ApiError && detail.error.status === 404 ? t('announcements.notFound') : errorText(detail.error)}</Notice>
        <p><Link href="/announcements">{t('announcements.back')}</Link></p>
      </section>
    );
  }
  if (!detail.data) return <Loading />;
  const { broadcast: b, names, mayDecide } = detail.data;
  const isAuthor = b.createdBy === me.id;
  const leader = me.role === 'admin' || me.role === 'principal';
  const editable = isAuthor && (b.status === 'draft' || b.status === 'rejected');
  // Once it has gone out, how it went comes first and what was sent after.
  const gone = b.status === 'sending' || b.status === 'sent' || total(detail.data.deliveries) > 0;
  const summary = <Summary detail={detail.data} groups={groups.data?.groups} canPreview={me.role !== 'viewer'} showCount={me.role !== 'viewer' && b.status === 'pending_approval'} />;
  const cancellable = !['sent', 'cancelled'].includes(b.status) && (leader ? true : isAuthor && !LIVE.has(b.status));

  const act = async (path: string, body?: unknown, done?: string) => {
    setError('');
    try {
      await post(`/admin/broadcasts/${b.id}/${path}`, body);
      if (done) setNotice(done);
      detail.reload();
      session.refresh();
    } catch (err) {
      setError(err instanceof ApiError && ['time_passed', 'self_approval'].includes(err.code) ? t(`announcements.err.${err.code}`)
        : err instanceof ApiError && err.status === 409 ? t('announcements.err.conflict') : errorText(err));
      detail.reload();
    }
  };
  const cancel = () => {
    if (window.confirm(t('announcements.cancelConfirm'))) void act('cancel', undefined, t('announcements.done.cancelled'));
  };

  return (
    <section>
      <p class="crumb"><Link href="/announcements">{t('announcements.back')}</Link></p>
      <PageTitle>{b.title}</PageTitle>
      <p class="meta">
        <StatusBadge status={b.status} /> · {t('announcements.by', { name: names[b.createdBy] ?? '?' })}
        {b.decidedBy && names[b.decidedBy] ? <> · {t(b.status === 'rejected' ? 'announcements.rejectedBy' : 'announcements.approvedBy', { name: names[b.decidedBy] })}</> : null}
      </p>
      <Lifecycle status={b.status} hadRun={total(detail.data.deliveries) > 0} />
      <div aria-live="polite">{notice && <Notice kind="ok">{notice}</Notice>}</div>
      <Notice kind="error">{error}</Notice>
      {b.status === 'rejected' && (
        <div class="notice notice-error reject-reason" data-testid="reject-reason">
          <strong>{t('announcements.rejectReason')}</strong> {b.rejectReason}
        </div>
      )}
      {editable ? (
        <>
          <p class="hint">{t(b.status === 'rejected' ? 'announcements.editRejected' : 'announcements.editDraft')}</p>
          <Composer key={b.updatedAt} existing={b} onSaved={(done) => { setNotice(t(`announcements.done.${done}`)); detail.reload(); }} />
          {cancellable && <p><button type="button" class="danger" onClick={cancel}>{t('announcements.cancel')}</button></p>}
        </>
      ) : (
        <>
          {mayDecide && <Changes id={b.id} current={b} groups={groups.data?.groups} />}
          {leader && !mayDecide && b.status === 'pending_approval' && <p class="notice notice-info">{t('announcements.err.self_approval')}</p>}
          {!gone && summary}
          {b.status === 'scheduled' && b.nextRunAt && <WakeAt at={b.nextRunAt} onTime={detail.reload} />}
          {(b.status === 'sending' || total(detail.data.deliveries) > 0) && (
            <Progress id={b.id} status={b.status} counts={detail.data.deliveries} onEnd={detail.reload} />
          )}
          {me.role !== 'viewer' && total(detail.data.deliveries) > 0 && (
            <Recipients id={b.id} counts={detail.data.deliveries} version={b.updatedAt + JSON.stringify(detail.data.deliveries.byStatus)} canRetry={leader}
              onRetry={() => act('retry', undefined, t('announcements.done.retried'))} />
          )}
          {gone && summary}
          {cancellable && <p><button type="button" class="danger" onClick={cancel}>{t('announcements.cancel')}</button></p>}
          {mayDecide && <Decision onApprove={() => act('approve', undefined, t('announcements.done.approved'))} onReject={(reason) => act('reject', { reason }, t('announcements.done.rejected'))} />}
        </>
      )}
    </section>
  );
}

/** Reloads the page's data when a scheduled run is due (within a day), so that its progress shows. */
function WakeAt(props: { at: string; onTime: () => void }) {
  useEffect(() => {
    const wait = Date.parse(props.at) - Date.now() + 1500;
    if (wait > 86_400_000) return;
    const timer = setTimeout(props.onTime, Math.max(1000, wait));
    return () => clearTimeout(timer);
  }, [props.at]);
  return null;
}

const total = (c: Counts) => Object.values(c.byStatus).reduce((a, b) => a + b, 0);

function Summary(props: { detail: BroadcastDetail; groups?: Group[]; canPreview: boolean; showCount: boolean }) {
  const b = props.detail.broadcast;
  // The messages with the placeholders filled as a parent gets them (staff of other classes see them unfilled).
  const preview = useLoad(async () => props.canPreview ? post<Preview>('/admin/broadcasts/preview', {
    audience: b.audience, text: b.text, cron: b.cron, sendAt: b.sendAt, ...(b.media?.imageUrl ? { imageUrl: b.media.imageUrl } : {}), ...(b.media?.link ? { link: b.media.link } : {}),
  }).catch(() => null) : null, [b.updatedAt, props.canPreview]);
  const messages = (lng: 'vi' | 'en') => {
    const text = b.text[lng] ?? '';
    return [{ type: 'text' as const, text }, ...(b.media?.imageUrl ? [{ type: 'image' as const, url: b.media.imageUrl }] : []), ...(b.media?.link ? [{ type: 'link' as const, ...b.media.link }] : [])];
  };
  return (
    <div class="card summary">
      <dl class="facts">
        <dt>{t('announcements.compose.audience')}</dt><dd>{audienceNames(b.audience.groups, props.groups)}</dd>
        <dt>{t('announcements.compose.when')}</dt><dd>{whenText(b)}</dd>
        {b.nextRunAt && (b.status === 'scheduled') && <><dt>{t('announcements.nextRun')}</dt><dd>{schoolTime(b.nextRunAt, true)}</dd></>}
        {props.showCount && preview.data && (
          <>
            <dt>{t('announcements.recipientsNow')}</dt>
            <dd data-testid="recipients">{t('announcements.compose.recipients', { count: preview.data.recipients.total })}
              {preview.data.recipients.total > 0 && ` (${Object.entries(preview.data.recipients.byChannel).map(([ch, n]) => `${channelName(ch)}: ${n}`).join(' · ')})`}</dd>
          </>
        )}
        {props.showCount && preview.data?.schedule.next.length && b.cron ? (
          <><dt>{t('announcements.compose.nextRuns')}</dt><dd><ol class="next-runs">{preview.data.schedule.next.map((n) => <li key={n}>{schoolTime(n, true)}</li>)}</ol></dd></>
        ) : null}
      </dl>
      <div class="preview-grid">
        <ChatPreview platform="zalo" lng="vi" messages={preview.data?.messages.vi ?? messages('vi')} />
        <ChatPreview platform="messenger" lng="vi" messages={preview.data?.messages.vi ?? messages('vi')} />
        {b.text.en && <ChatPreview platform="messenger" lng="en" messages={preview.data?.messages.en ?? messages('en')} />}
      </div>
    </div>
  );
}

/** What changed since this reviewer last decided on it (she rejected it, the author edited it). */
function Changes(props: { id: number; current: Broadcast; groups?: Group[] }) {
  const review = useLoad(() => get<Review>(`/admin/broadcasts/${props.id}/review`), [props.id, props.current.updatedAt]);
  if (!review.data) return null;
  const { lastSeen, changed } = review.data;
  if (!lastSeen) return <p class="notice notice-info" data-testid="changes">{t('announcements.review.first')}</p>;
  if (!changed?.length) return <p class="notice notice-info" data-testid="changes">{t('announcements.review.same', { at: schoolTime(lastSeen.at) })}</p>;
  const show = (k: string, b: NonNullable<Review['lastSeen']>['content']): string => {
    if (k === 'title') return b.title;
    if (k === 'text') return [b.text.vi, b.text.en].filter(Boolean).join('\n\n');
    if (k === 'audience') return audienceNames(b.audience.groups, props.groups);
    if (k === 'media') return [b.media?.imageUrl, b.media?.link && `${b.media.link.title} ${b.media.link.url}`].filter(Boolean).join(' · ') || '—';
    return whenText(b);
  };
  return (
    <div class="card changes" data-testid="changes">
      <h2>{t('announcements.review.changed', { at: schoolTime(lastSeen.at) })}</h2>
      <ul class="list">
        {changed.filter((k) => k !== 'sendAt' || !changed.includes('cron')).map((k) => (
          <li key={k} class="change">
            <strong>{t(`announcements.field.${k === 'sendAt' ? 'cron' : k}`)}</strong>
            <div class="two-col">
              <div><p class="hint">{t('announcements.review.before')}</p><p class="bubble was"><del>{show(k, lastSeen.content)}</del></p></div>
              <div><p class="hint">{t('announcements.review.now')}</p><p class="bubble"><ins>{show(k, props.current)}</ins></p></div>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Approve and reject, always at the bottom of the screen on a phone. */
function Decision(props: { onApprove: () => void; onReject: (reason: string) => void }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [err, setErr] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => { if (rejecting) ref.current?.focus(); }, [rejecting]);
  useAboveNav(bar);
  return (
    <div class="decision-bar" ref={bar} role="region" aria-label={t('announcements.decide.label')}>
      {rejecting ? (
        <form class="reject-form" onSubmit={(e) => { e.preventDefault(); if (!reason.trim()) { setErr(t('announcements.decide.reasonNeeded')); return; } props.onReject(reason.trim()); }}>
          <Field label={t('announcements.decide.reason')} error={err}>
            {({ id, describedBy, invalid }) => <textarea id={id} ref={ref} rows={2} value={reason} aria-describedby={describedBy} aria-invalid={invalid || undefined} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />}
          </Field>
          <div class="row">
            <button type="button" onClick={() => { setRejecting(false); setErr(''); }}>{t('announcements.decide.back')}</button>
            <button type="submit" class="danger">{t('announcements.decide.confirmReject')}</button>
          </div>
        </form>
      ) : (
        <div class="row">
          <button type="button" class="primary" onClick={props.onApprove}>{t('announcements.decide.approve')}</button>
          <button type="button" class="danger" onClick={() => setRejecting(true)}>{t('announcements.decide.reject')}</button>
        </div>
      )}
    </div>
  );
}

type Bucket = 'sent' | 'skipped' | 'failed' | 'uncertain' | 'waiting';
const BUCKETS: Record<Bucket, DeliveryStatus[]> = {
  sent: ['sent', 'delivered'], skipped: ['skipped', 'expired'], failed: ['failed'], uncertain: ['uncertain'], waiting: ['pending', 'sending', 'waiting'],
};

/** The live progress of the sending, from the broadcast's event stream (one update a second). */
function Progress(props: { id: number; status: string; counts: Counts; onEnd: () => void }) {
  const [byStatus, setByStatus] = useState(props.counts.byStatus);
  useEffect(() => setByStatus(props.counts.byStatus), [props.counts]);
  useEffect(() => {
    if (props.status !== 'sending') return;
    const source = new EventSource(`/api/admin/broadcasts/${props.id}/events`);
    let status = props.status;
    source.addEventListener('progress', (e) => {
      const data = JSON.parse((e as MessageEvent).data) as Record<string, number> & { status: string };
      setByStatus((old) => ({ ...old, ...data }));
      if (data.status !== status) { status = data.status; props.onEnd(); }
    });
    source.addEventListener('end', () => { source.close(); props.onEnd(); });
    return () => source.close();
  }, [props.id, props.status]);
  const sum = (b: Bucket) => BUCKETS[b].reduce((n, s) => n + (byStatus[s] ?? 0), 0);
  const all = (Object.keys(BUCKETS) as Bucket[]).reduce((n, b) => n + sum(b), 0);
  const done = all - sum('waiting');
  const pct = all ? Math.round((done / all) * 100) : 0;
  return (
    <section class="card progress-card" aria-labelledby="progress-h">
      <h2 id="progress-h">{t('announcements.progress.title')}</h2>
      <div role="progressbar" aria-labelledby="progress-h" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={`${pct} %`} class="bar" data-testid="progress">
        {(Object.keys(BUCKETS) as Bucket[]).filter((b) => sum(b) > 0).map((b) => (
          <span key={b} class={`seg seg-${b}`} style={{ width: `${(sum(b) / all) * 100}%` }} />
        ))}
      </div>
      <p class="pct" aria-live="polite" data-testid="progress-text"><strong>{pct} %</strong> · {t('announcements.progress.done', { done, all })}</p>
      <ul class="legend">
        {(Object.keys(BUCKETS) as Bucket[]).map((b) => (
          <li key={b}><span class={`key seg-${b}`} aria-hidden="true" /> {t(`announcements.progress.${b}`)}: <strong>{sum(b)}</strong></li>
        ))}
      </ul>
    </section>
  );
}

function Recipients(props: { id: number; counts: Counts; version: string; canRetry: boolean; onRetry: () => void }) {
  const [status, setStatus] = useState('');
  const list = useLoad(() => get<{ deliveries: Delivery[] }>(`/admin/broadcasts/${props.id}/deliveries?limit=1000${status ? `&status=${status}` : ''}`), [props.id, status, props.version]);
  const failed = props.counts.byStatus.failed ?? 0;
  // A repeating announcement has a run per send: one recipient once per run, the latest run first.
  const [run, setRun] = useState('');
  const runs = [...new Set((list.data?.deliveries ?? []).map((d) => d.runAt))].sort().reverse();
  const shownRun = runs.includes(run) ? run : runs[0];
  const rows = (list.data?.deliveries ?? []).filter((d) => runs.length < 2 || d.runAt === shownRun);
  const present = (Object.keys(props.counts.byStatus) as DeliveryStatus[]).filter((s) => props.counts.byStatus[s] > 0);
  return (
    <section class="card" aria-labelledby="recipients-h">
      <h2 id="recipients-h">{t('announcements.recipients.title')}</h2>
      <div class="row">
        <Field label={t('announcements.recipients.filter')}>
          {({ id }) => (
            <select id={id} value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
              <option value="">{t('announcements.recipients.all')}</option>
              {present.map((s) => <option key={s} value={s}>{t(`announcements.delivery.${s}`)} ({props.counts.byStatus[s]})</option>)}
            </select>
          )}
        </Field>
        {runs.length > 1 && (
          <Field label={t('announcements.recipients.run')}>
            {({ id }) => (
              <select id={id} value={shownRun} onChange={(e) => setRun((e.target as HTMLSelectElement).value)}>
                {runs.map((r) => <option key={r} value={r}>{schoolTime(r)}</option>)}
              </select>
            )}
          </Field>
        )}
        {props.canRetry && failed > 0 && (
          <button type="button" class="primary" onClick={props.onRetry}>{t('announcements.recipients.retry', { count: failed })}</button>
        )}
      </div>
      {props.canRetry && (props.counts.byStatus.uncertain ?? 0) > 0 && <p class="hint">{t('announcements.recipients.uncertainHint')}</p>}
      {list.data && list.data.deliveries.length >= 1000 && <p class="hint">{t('announcements.recipients.first')}</p>}
      {list.error ? <Notice kind="error">{errorText(list.error)}</Notice> : !list.data ? <Loading /> : (
        <ScrollTable label={t('announcements.recipients.title')}>
          <table class="recipients-table" data-testid="recipients-table">
            <caption class="sr-only">{t('announcements.recipients.title')}</caption>
            <thead><tr><th scope="col">{t('announcements.recipients.who')}</th><th scope="col">{t('announcements.recipients.channel')}</th><th scope="col">{t('announcements.recipients.status')}</th><th scope="col">{t('announcements.recipients.reason')}</th><th scope="col">{t('announcements.recipients.at')}</th></tr></thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{d.name ?? (d.recipient.startsWith('zalo_group:') ? t('announcements.recipients.zaloGroup') : t('announcements.recipients.unnamed'))}</th>
                  <td data-label={t('announcements.recipients.channel')}>{channelName(d.channel)}</td>
                  <td data-label={t('announcements.recipients.status')} class={`d-${d.status}`}>{t(`announcements.delivery.${d.status}`)}</td>
                  <td data-label={t('announcements.recipients.reason')}>{reasonText(d.reason)}</td>
                  <td data-label={t('announcements.recipients.at')}>{d.sentAt ? schoolTime(d.sentAt) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollTable>
      )}
    </section>
  );
}

// Pieces the announcement screens share: the status as words (and a mark, never colour alone),
// times in the school's time zone, the audience by name, and the message as a parent sees it.
import type { ComponentChildren } from 'preact';
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.ts';
import { formatFullDate, lang, schoolTimeZone, t } from '../i18n.ts';
import type { Broadcast, BroadcastStatus, Group, PreviewMessage } from './announcement-types.ts';
import { cronInWords } from './cron-words.ts';
import './announcements.css';



/** "Chủ nhật, 29/11/2026 18:00" at the school, whatever the device's time zone. */
export function schoolTime(iso: string, withDay = false): string {
  if (withDay) return formatFullDate(new Date(iso), { timeStyle: 'short' });
  return new Intl.DateTimeFormat(lang() === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: schoolTimeZone(), dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

// Marks every system font has (emoji are missing on some machines and in headless browsers).
const MARKS: Record<BroadcastStatus, string> = { draft: '✎', pending_approval: '◔', scheduled: '◷', sending: '➤', sent: '✓', rejected: '✗', cancelled: '⊘' };

export function StatusBadge(props: { status: BroadcastStatus }) {
  return <span class={`status status-${props.status}`}><span aria-hidden="true">{MARKS[props.status]} </span>{t(`announcements.status.${props.status}`)}</span>;
}

/** Where it is on the way: Nháp → Chờ duyệt → Đã lên lịch / Đang gửi → Đã gửi (or where it stopped). */
export function Lifecycle(props: { status: BroadcastStatus; hadRun: boolean }) {
  const { status } = props;
  const order: BroadcastStatus[] = ['draft', 'pending_approval', status === 'sending' || (status !== 'scheduled' && props.hadRun) ? 'sending' : 'scheduled', 'sent'];
  const stopped = status === 'rejected' || status === 'cancelled';
  // Stopped: rejected at the approval; cancelled before it went out, or while it was going.
  const at = status === 'rejected' ? 1 : status === 'cancelled' ? (props.hadRun ? 2 : 1) : order.indexOf(status);
  return (
    <ol class="lifecycle" aria-label={t('announcements.lifecycle')}>
      {order.map((s, i) => (
        <li key={s} class={i < at ? 'done' : i === at && !stopped ? 'now' : ''} aria-current={i === at && !stopped ? 'step' : undefined}>
          <span aria-hidden="true">{i < at ? '✓ ' : ''}</span>{t(`announcements.status.${s}`)}
        </li>
      ))}
      {stopped && <li class="now stopped" aria-current="step"><span aria-hidden="true">{MARKS[status]} </span>{t(`announcements.status.${status}`)}</li>}
    </ol>
  );
}

export function audienceNames(ids: string[], groups: Group[] | undefined): string {
  return ids.map((id) => groups?.find((g) => g.id === id)?.name ?? id).join(', ');
}

/** When it goes: now (on approval), at a time, or repeating (in words, with its next run). */
export function whenText(b: Pick<Broadcast, 'sendAt' | 'cron'>): string {
  if (b.cron) return cronInWords(b.cron, t);
  if (b.sendAt) return t('announcements.when.atTime', { time: schoolTime(b.sendAt) });
  return t('announcements.when.onApproval');
}

export function channelName(channel: string): string {
  return t(`announcements.channel.${channel}`, { defaultValue: channel });
}

/** The platform's reason in words when Loa knows it; else as the platform said it. */
export function reasonText(reason: string | null): string {
  if (!reason) return '';
  return t(`announcements.reason.${reason}`, { defaultValue: reason });
}

/**
 * The messages as they appear on Zalo and on Messenger, the way the channels send them: Zalo gets
 * text only (an image as its address), Messenger an image as a picture; a link is its title and
 * address on both; texts over 2,000 characters arrive in parts. Images are not fetched here: the
 * console loads nothing from other sites.
 */
export function ChatPreview(props: { messages: PreviewMessage[]; platform: 'zalo' | 'messenger'; lng: 'vi' | 'en' }) {
  const zalo = props.platform === 'zalo';
  const schoolName = useSchoolName();
  return (
    <figure class={`phone-preview ${props.platform}`} lang={props.lng}>
      <figcaption>{t(`announcements.preview.${props.platform}`)}</figcaption>
      <div class="phone-head" aria-hidden="true">{schoolName}</div>
      <ul class="phone-messages">
        {props.messages.map((m, i) => (
          <li key={i}>
            {m.type === 'text' && <p class="bubble-in">{m.text || <em>{t('announcements.preview.empty')}</em>}</p>}
            {m.type === 'text' && m.text.length > 2000 && <p class="hint">{t('announcements.preview.parts', { count: Math.ceil(m.text.length / 2000) })}</p>}
            {m.type === 'image' && (zalo
              ? <p class="bubble-in"><span class="url">{m.url}</span></p>
              : <p class="bubble-in image-card"><span aria-hidden="true">▣ </span>{t('announcements.preview.image')}<br /><span class="url">{m.url}</span></p>)}
            {m.type === 'link' && <p class="bubble-in">{m.title}<br /><span class="url">{m.url}</span></p>}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** A table that may scroll sideways on a phone: focusable and named, so a keyboard can scroll it. */
export function ScrollTable(props: { label: string; children: ComponentChildren }) {
  return <div class="table-wrap" role="region" aria-label={props.label} tabIndex={0}>{props.children}</div>;
}

let schoolName: Promise<string> | null = null;
/** The school's short name, as parents see the page or OA that writes to them (loaded once). */
function useSchoolName(): string {
  const [name, setName] = useState('');
  useEffect(() => {
    schoolName ??= get<{ data: { name?: string; shortName?: string } }>('/admin/school/profile')
      .then((r) => r.data.shortName ?? r.data.name ?? '', () => { schoolName = null; return ''; });
    let live = true;
    void schoolName.then((n) => { if (live) setName(n); });
    return () => { live = false; };
  }, []);
  return name;
}

/**
 * A bar fixed to the bottom of a phone's screen (approve / reject, save / submit) sits just above
 * the bottom navigation, whatever its height, and its page leaves room under its content for both.
 */
export function useAboveNav(bar: RefObject<HTMLElement | null>, padParent = true): void {
  useEffect(() => {
    const nav = document.querySelector<HTMLElement>('.nav');
    const place = () => {
      const el = bar.current;
      if (!el) return;
      const fixed = getComputedStyle(el).position === 'fixed';
      const navFixed = !!nav && getComputedStyle(nav).position === 'fixed';
      el.style.bottom = navFixed ? `${nav!.offsetHeight}px` : '';
      if (padParent && el.parentElement) el.parentElement.style.paddingBottom = fixed ? `${el.offsetHeight + 16}px` : '';
    };
    place();
    const watch = new ResizeObserver(place);
    if (nav) watch.observe(nav);
    if (bar.current) watch.observe(bar.current);
    addEventListener('resize', place);
    const parent = bar.current?.parentElement;
    return () => { watch.disconnect(); removeEventListener('resize', place); if (padParent && parent) parent.style.paddingBottom = ''; };
  }, []);
}

// Writing an announcement: title, the text in Vietnamese (English optional) with the placeholders
// as chips, an image or a link, the audience with the recipients per channel counted before it is
// submitted, and when it goes (on approval, at a time, or repeating, said in words with the next
// three send times). A preview shows it as a parent gets it on Zalo and on Messenger.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, post, put, get } from '../api.ts';
import { schoolTimeZone, t } from '../i18n.ts';
import { navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Field, Notice, TextInput, errorText, useLoad, useUnsaved } from '../ui/kit.tsx';
import type { Broadcast, Group, Preview } from './announcement-types.ts';
import { ChatPreview, channelName, schoolTime, useAboveNav } from './announcement-parts.tsx';
import { cronInWords, fromCron, toCron, type Repeat } from './cron-words.ts';

const PLACEHOLDERS = ['name', 'class', 'date', 'menu_next_week'] as const;
const WEEK = [1, 2, 3, 4, 5, 6, 0];
/** The school's offset: Việt Nam keeps UTC+7 all year. */
const OFFSET = '+07:00';

interface Draft {
  title: string; vi: string; en: string;
  media: 'none' | 'image' | 'link'; imageUrl: string; linkUrl: string; linkTitle: string;
  groups: string[];
  when: 'now' | 'at' | 'repeat'; date: string; time: string; repeat: Repeat;
}

function schoolParts(iso: string): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: schoolTimeZone(), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const v = (k: string) => f.find((p) => p.type === k)?.value ?? '';
  return { date: `${v('year')}-${v('month')}-${v('day')}`, time: `${v('hour')}:${v('minute')}` };
}

function fromBroadcast(b?: Broadcast): Draft {
  const at = b?.sendAt && !b.cron ? schoolParts(b.sendAt) : { date: '', time: '' };
  // A schedule the builder cannot show (written through the API) stays as it is, not replaced.
  const repeat: Repeat = b?.cron ? fromCron(b.cron) ?? { every: 'custom', cron: b.cron } : { every: 'week', time: '18:00', days: [0] };
  return {
    title: b?.title ?? '', vi: b?.text.vi ?? '', en: b?.text.en ?? '',
    media: b?.media?.link ? 'link' : b?.media?.imageUrl ? 'image' : 'none',
    imageUrl: b?.media?.imageUrl ?? '', linkUrl: b?.media?.link?.url ?? '', linkTitle: b?.media?.link?.title ?? '',
    groups: b?.audience.groups ?? [],
    when: b?.cron ? 'repeat' : b?.sendAt ? 'at' : 'now', date: at.date, time: at.time, repeat,
  };
}

/** The API's body for a draft; `errors` holds what must be fixed first, by field. */
function toBody(d: Draft): { body: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!d.title.trim()) errors.title = t('announcements.err.title');
  if (!d.vi.trim()) errors.vi = t('announcements.err.vi');
  if (!d.groups.length) errors.groups = t('announcements.err.groups');
  const body: Record<string, unknown> = { title: d.title.trim(), text: { vi: d.vi.trim(), ...(d.en.trim() ? { en: d.en.trim() } : {}) }, audience: { groups: d.groups } };
  const url = (u: string) => /^https?:\/\/\S+\.\S+/.test(u.trim());
  if (d.media === 'image') {
    if (!url(d.imageUrl)) errors.imageUrl = t('announcements.err.url');
    else body.imageUrl = d.imageUrl.trim();
  }
  if (d.media === 'link') {
    if (!url(d.linkUrl)) errors.linkUrl = t('announcements.err.url');
    if (!d.linkTitle.trim()) errors.linkTitle = t('announcements.err.linkTitle');
    if (!errors.linkUrl && !errors.linkTitle) body.link = { url: d.linkUrl.trim(), title: d.linkTitle.trim() };
  }
  if (d.when === 'at') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date) || !/^\d{2}:\d{2}$/.test(d.time)) errors.at = t('announcements.err.at');
    else {
      const iso = `${d.date}T${d.time}:00${OFFSET}`;
      if (Date.parse(iso) <= Date.now()) errors.at = t('announcements.err.past');
      else body.sendAt = new Date(iso).toISOString();
    }
  }
  if (d.when === 'repeat') {
    const cron = toCron(d.repeat);
    if (!cron) errors.repeat = t('announcements.err.repeat');
    else body.cron = cron;
  }
  return { body, errors };
}

/** `onSaved` (editing an existing one) is told instead of moving to the announcement's page. */
export function Composer(props: { existing?: Broadcast; onSaved?: (done: 'saved' | 'submitted') => void }) {
  const session = useSession();
  const me = session.me!.user;
  const initial = useRef(fromBroadcast(props.existing));
  const [d, setD] = useState<Draft>(initial.current);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState('');
  const lastText = useRef<'vi' | 'en'>('vi');
  const viRef = useRef<HTMLTextAreaElement>(null);
  const enRef = useRef<HTMLTextAreaElement>(null);
  const actions = useRef<HTMLDivElement>(null);
  useAboveNav(actions, false);
  const groups = useLoad(() => get<{ groups: Group[] }>('/admin/groups'));
  const changed = JSON.stringify(d) !== JSON.stringify(initial.current);
  useUnsaved('announcement', changed && !busy);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  // Staff limited to classes announce to their classes only (the API says the same).
  const offered = (groups.data?.groups ?? []).filter((g) => !me.classIds.length || me.classIds.includes(g.id));

  // The count and preview follow the draft, a moment after typing stops.
  useEffect(() => {
    if (!d.groups.length) { setPreview(null); return; }
    const timer = setTimeout(async () => {
      const { body } = toBody(d);
      try {
        setPreview(await post<Preview>('/admin/broadcasts/preview', { ...body, title: undefined, sendAt: body.sendAt ?? null, cron: body.cron ?? null }));
        setPreviewError('');
      } catch (err) { setPreviewError(errorText(err)); }
    }, 300);
    return () => clearTimeout(timer);
  }, [JSON.stringify({ ...d, title: '' })]);

  const insert = (name: string) => {
    const lng = lastText.current;
    const el = (lng === 'vi' ? viRef : enRef).current;
    const value = lng === 'vi' ? d.vi : d.en;
    const at = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? at;
    const next = `${value.slice(0, at)}{${name}}${value.slice(end)}`;
    set(lng, next);
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(at + name.length + 2, at + name.length + 2); });
  };

  const save = async (submit: boolean) => {
    setError('');
    const { body, errors: found } = toBody(d);
    setErrors(found);
    if (Object.keys(found).length) {
      setError(t('announcements.err.fix'));
      return;
    }
    setBusy(true);
    try {
      let id = props.existing?.id;
      if (id) await put(`/admin/broadcasts/${id}`, body);
      else id = (await post<{ id: number }>('/admin/broadcasts', body)).id;
      if (submit) await post(`/admin/broadcasts/${id}/submit`);
      initial.current = d;
      if (props.onSaved) props.onSaved(submit ? 'submitted' : 'saved');
      else navigate(`/announcements/${id}?done=${submit ? 'submitted' : 'saved'}`, true);
    } catch (err) {
      setBusy(false);
      setError(err instanceof ApiError && err.code === 'no_recipients' ? t('announcements.err.no_recipients')
        : err instanceof ApiError && err.status === 409 ? t('announcements.err.conflict') : errorText(err));
    }
  };

  const toggleGroup = (id: string, on: boolean) => set('groups', on ? [...d.groups, id] : d.groups.filter((g) => g !== id));
  const kinds = ['school', 'class', 'staff', 'custom'] as const;
  const cron = d.when === 'repeat' ? toCron(d.repeat) : null;

  return (
    <form class="composer" aria-label={t('announcements.compose.form')} noValidate onSubmit={(e) => { e.preventDefault(); void save(true); }}>
      <TextInput label={t('announcements.compose.title')} value={d.title} onInput={(v) => set('title', v)} error={errors.title} required />
      <fieldset>
        <legend>{t('announcements.compose.text')}</legend>
        <p class="hint" id="ph-hint">{t('announcements.compose.placeholdersHint')}</p>
        <ul class="chips" aria-describedby="ph-hint">
          {PLACEHOLDERS.map((p) => (
            <li key={p}><button type="button" class="chip" onClick={() => insert(p)}><span class="sr-only">{t('announcements.compose.insert')} </span>{`{${p}}`} · {t(`announcements.placeholder.${p}`)}</button></li>
          ))}
        </ul>
        {(['vi', 'en'] as const).map((lng) => (
          <Field key={lng} label={lng === 'vi' ? t('announcements.compose.vi') : t('announcements.compose.en')} error={errors[lng]}>
            {({ id, describedBy, invalid }) => (
              <textarea id={id} ref={lng === 'vi' ? viRef : enRef} lang={lng} rows={lng === 'vi' ? 6 : 4} value={d[lng]} aria-describedby={describedBy} aria-invalid={invalid || undefined}
                required={lng === 'vi'} onFocus={() => { lastText.current = lng; }} onInput={(e) => set(lng, (e.target as HTMLTextAreaElement).value)} />
            )}
          </Field>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('announcements.compose.media')}</legend>
        <div class="row radios">
          {(['none', 'image', 'link'] as const).map((m) => (
            <label class="check" key={m}><input type="radio" name="media" checked={d.media === m} onChange={() => set('media', m)} />{t(`announcements.compose.media_${m}`)}</label>
          ))}
        </div>
        {d.media === 'image' && <TextInput label={t('announcements.compose.imageUrl')} type="url" value={d.imageUrl} onInput={(v) => set('imageUrl', v)} error={errors.imageUrl} hint={t('announcements.compose.urlHint')} />}
        {d.media === 'link' && (
          <>
            <TextInput label={t('announcements.compose.linkUrl')} type="url" value={d.linkUrl} onInput={(v) => set('linkUrl', v)} error={errors.linkUrl} hint={t('announcements.compose.urlHint')} />
            <TextInput label={t('announcements.compose.linkTitle')} value={d.linkTitle} onInput={(v) => set('linkTitle', v)} error={errors.linkTitle} />
          </>
        )}
      </fieldset>
      <fieldset class={errors.groups ? 'invalid' : ''} aria-describedby={errors.groups ? 'groups-err' : undefined}>
        <legend>{t('announcements.compose.audience')}</legend>
        {kinds.map((kind) => {
          const list = offered.filter((g) => g.kind === kind);
          return list.length ? (
            <div key={kind} class="audience-kind">
              <p class="hint">{t(`groups.kind.${kind}`)}</p>
              {list.map((g) => (
                <label class="check" key={g.id}>
                  <input type="checkbox" checked={d.groups.includes(g.id)} onChange={(e) => toggleGroup(g.id, (e.target as HTMLInputElement).checked)} />
                  {g.name}
                </label>
              ))}
            </div>
          ) : null;
        })}
        {errors.groups && <p class="field-error" id="groups-err"><span aria-hidden="true">⚠ </span>{errors.groups}</p>}
        <div class="recipients" aria-live="polite" data-testid="recipients">
          {preview && (
            <>
              <p><strong>{t('announcements.compose.recipients', { count: preview.recipients.total })}</strong></p>
              {preview.recipients.total === 0 && <p class="field-error" data-testid="no-recipients">{t('announcements.err.no_recipients')}</p>}
              {preview.recipients.total > 0 && (
                <ul class="per-channel">
                  {Object.entries(preview.recipients.byChannel).map(([ch, n]) => <li key={ch}>{channelName(ch)}: {n}</li>)}
                </ul>
              )}
            </>
          )}
          {previewError && <p class="field-error">{previewError}</p>}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('announcements.compose.when')}</legend>
        <div class="row radios">
          {(['now', 'at', 'repeat'] as const).map((w) => (
            <label class="check" key={w}><input type="radio" name="when" checked={d.when === w} onChange={() => set('when', w)} />{t(`announcements.compose.when_${w}`)}</label>
          ))}
        </div>
        {d.when === 'now' && <p class="hint">{t('announcements.compose.nowHint')}</p>}
        {d.when === 'at' && (
          <div class="inline-form">
            <TextInput label={t('announcements.compose.date')} type="date" value={d.date} onInput={(v) => set('date', v)} error={errors.at} />
            <TextInput label={t('announcements.compose.time')} type="time" value={d.time} onInput={(v) => set('time', v)} />
          </div>
        )}
        {d.when === 'repeat' && <RepeatFields value={d.repeat} onChange={(r) => set('repeat', r)} error={errors.repeat} cronValid={preview?.schedule.cronValid} />}
        {d.when !== 'now' && (
          <div aria-live="polite" class="schedule-words" data-testid="schedule">
            {cron && <p><strong>{cronInWords(cron, t)}</strong></p>}
            {preview && preview.schedule.next.length > 0 && (
              <>
                <p class="hint">{t(d.when === 'repeat' ? 'announcements.compose.nextRuns' : 'announcements.compose.sendsAt')}</p>
                <ol class="next-runs">{preview.schedule.next.map((n) => <li key={n}>{schoolTime(n, true)}</li>)}</ol>
              </>
            )}
          </div>
        )}
      </fieldset>
      <section aria-labelledby="preview-h" class="previews">
        <h2 id="preview-h">{t('announcements.preview.title')}</h2>
        {!preview ? <p class="hint">{t('announcements.preview.needAudience')}</p> : (
          <div class="preview-grid">
            {(['zalo', 'messenger'] as const).map((p) => <ChatPreview key={p} platform={p} lng="vi" messages={preview.messages.vi} />)}
            {preview.messages.en && <ChatPreview platform="messenger" lng="en" messages={preview.messages.en} />}
          </div>
        )}
      </section>
      <Notice kind="error">{error}</Notice>
      <div class="sticky-actions row" ref={actions}>
        <button type="button" disabled={busy} onClick={() => void save(false)}>{t('announcements.compose.saveDraft')}</button>
        <button type="submit" class="primary" disabled={busy}>{t('announcements.compose.submit')}</button>
      </div>
    </form>
  );
}

function RepeatFields(props: { value: Repeat; onChange: (r: Repeat) => void; error?: string; cronValid?: boolean | null }) {
  const r = props.value;
  const time = r.every === 'custom' ? '18:00' : r.time;
  const change = (every: Repeat['every']) => props.onChange(
    every === 'custom' ? { every, cron: toCron(r) ?? '0 18 * * 0' }
      : every === 'day' ? { every, time }
        : every === 'week' ? { every, time, days: r.every === 'week' ? r.days : [0] }
          : { every, time, day: r.every === 'month' ? r.day : 1 });
  return (
    <div class="repeat">
      <Field label={t('announcements.compose.every')}>
        {({ id }) => (
          <select id={id} value={r.every} onChange={(e) => change((e.target as HTMLSelectElement).value as Repeat['every'])}>
            {(['day', 'week', 'month', 'custom'] as const).map((e) => <option key={e} value={e}>{t(`announcements.compose.every_${e}`)}</option>)}
          </select>
        )}
      </Field>
      {r.every === 'week' && (
        <fieldset class={props.error ? 'invalid' : ''}>
          <legend>{t('announcements.compose.days')}</legend>
          <div class="row">
            {WEEK.map((day) => (
              <label class="check" key={day}>
                <input type="checkbox" checked={r.days.includes(day)} onChange={(e) => props.onChange({ ...r, days: (e.target as HTMLInputElement).checked ? [...r.days, day] : r.days.filter((x) => x !== day) })} />
                {t(`day.${day}`)}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {r.every === 'month' && <TextInput label={t('announcements.compose.dayOfMonth')} type="number" value={String(r.day)} onInput={(v) => props.onChange({ ...r, day: Number(v) })} />}
      {r.every === 'custom'
        ? <TextInput label={t('announcements.compose.cron')} value={r.cron} onInput={(v) => props.onChange({ every: 'custom', cron: v })} hint={t('announcements.compose.cronHint')}
            error={props.error ?? (props.cronValid === false ? t('announcements.err.cron') : undefined)} />
        : <TextInput label={t('announcements.compose.repeatTime')} type="time" value={r.time} onInput={(v) => props.onChange({ ...r, time: v })} error={props.error} />}
    </div>
  );
}

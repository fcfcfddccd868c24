// Editing (or creating) an intent: description, utterances per language, the answer per language
// with the school-data placeholders, quick replies. Saving retrains; the screen says when it is live.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, del, get, post, put } from '../api.ts';
import { formatDateTime, percent, t } from '../i18n.ts';
import { Link, markUnsaved, navigate } from '../router.tsx';
import type { CheckWarning, IntentDetail, IntentSummary, Lng, NluStatus, Placeholder, QuickReply } from '../types.ts';
import { Field, Loading, Notice, PageTitle, TextInput, errorText, useTitle, useUnsaved } from '../ui/kit.tsx';
import { TryIt } from './try-it.tsx';
import { title } from './faq-list.tsx';

/** Questions handed over from the unanswered screen ("create a FAQ already filled with it"). */
export const PREFILL_KEY = 'loa.console.newFaq';
export interface Prefill { ids: string[]; texts: Record<Lng, string[]> }

interface Draft {
  id: string;
  description: string;
  utterances: Record<Lng, string>;
  answer: Record<Lng, string>;
  /** The button text when another answer offers this FAQ. */
  title: Record<Lng, string>;
  quickReplies: QuickReply[];
  version?: number;
}

const LANGS: Lng[] = ['vi', 'en'];
const lines = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

function toDraft(i: IntentDetail): Draft {
  return {
    id: i.id, description: i.description,
    utterances: { vi: i.utterances.vi.join('\n'), en: i.utterances.en.join('\n') },
    answer: { vi: i.answer.vi ?? '', en: i.answer.en ?? '' },
    title: { vi: i.title?.vi ?? '', en: i.title?.en ?? '' },
    quickReplies: i.quickReplies ?? [], version: i.version,
  };
}

function readPrefill(): Prefill | null {
  try {
    const raw = sessionStorage.getItem(PREFILL_KEY);
    return raw ? JSON.parse(raw) as Prefill : null;
  } catch { return null; }
}

export function IntentEditor({ id }: { id?: string }) {
  const isNew = !id;
  useTitle(isNew ? t('intent.newTitle') : t('intent.editTitle', { id }));
  const [draft, setDraft] = useState<Draft | null>(null);
  const [detail, setDetail] = useState<IntentDetail | null>(null);
  const [placeholders, setPlaceholders] = useState<Placeholder[]>([]);
  const [intents, setIntents] = useState<IntentSummary[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [stale, setStale] = useState(false);
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  const [saves, setSaves] = useState(0);
  const [prefill] = useState(() => (isNew ? readPrefill() : null));
  const [loadedDraft, setLoadedDraft] = useState('');
  useUnsaved(`intent:${id ?? 'new'}`, !!draft && loadedDraft !== '' && JSON.stringify(draft) !== loadedDraft);

  const load = async () => {
    setLoadError(null);
    // The list gives the quick-reply choices and, for a new FAQ, the placeholders it may use.
    get<{ intents: IntentSummary[]; placeholders?: Placeholder[] }>('/admin/intents').then((r) => {
      setIntents(r.intents);
      if (!id) setPlaceholders(r.placeholders ?? []);
    }, () => {});
    try {
      if (id) {
        const res = await get<{ intent: IntentDetail; placeholders: Placeholder[] }>(`/admin/intents/${encodeURIComponent(id)}`);
        setDetail(res.intent);
        setDraft(toDraft(res.intent));
        setLoadedDraft(JSON.stringify(toDraft(res.intent)));
        setPlaceholders(res.placeholders ?? []);
      } else {
        const empty: Draft = { id: '', description: '', utterances: { vi: (prefill?.texts.vi ?? []).join('\n'), en: (prefill?.texts.en ?? []).join('\n') }, answer: { vi: '', en: '' }, title: { vi: '', en: '' }, quickReplies: [] };
        setDraft(empty);
        setLoadedDraft(JSON.stringify(empty));
      }
    } catch (err) {
      setLoadError(err);
    }
  };
  useEffect(() => { setDraft(null); setStale(false); setSaved(''); load(); }, [id]);

  if (loadError) return <section><PageTitle>{t('intent.editTitle', { id })}</PageTitle><Notice kind="error">{errorText(loadError)}</Notice></section>;
  if (!draft) return <Loading />;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  // A shipped intent's button text comes from the locales files; others are named here.
  const builtIn = !isNew && !!t(`intentTitle.${id}`, { defaultValue: '' });

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setFields({});
    setSaved('');
    const body = {
      ...(isNew ? { id: draft.id.trim() } : {}),
      description: draft.description.trim(),
      ...(builtIn ? {} : { title: { vi: draft.title.vi.trim() || null, en: draft.title.en.trim() || null } }),
      utterances: { vi: lines(draft.utterances.vi), en: lines(draft.utterances.en) },
      // An emptied answer goes back to the locales text (or none): it is sent as "".
      ...(detail?.handler ? {} : { answer: { vi: draft.answer.vi, en: draft.answer.en } }),
      quickReplies: draft.quickReplies.map((q) => ({ title: q.title, payload: q.payload })),
      ...(isNew ? {} : { version: draft.version }),
    };
    try {
      const res = isNew
        ? await post<{ intent: IntentDetail }>('/admin/intents', body)
        : await put<{ intent: IntentDetail }>(`/admin/intents/${encodeURIComponent(id!)}`, body);
      if (isNew && prefill?.ids.length) {
        await post('/admin/questions/unanswered/resolve', { ids: prefill.ids, action: 'new_intent', intentId: res.intent.id }).catch(() => {});
        try { sessionStorage.removeItem(PREFILL_KEY); } catch { /* ignore */ }
      }
      setSaved(t('intent.saved'));
      setSaves((n) => n + 1);
      if (isNew) { markUnsaved('intent:new', false); navigate(`/faq/${encodeURIComponent(res.intent.id)}?saved=1`, true); return; }
      setDetail(res.intent);
      setDraft(toDraft(res.intent));
      setLoadedDraft(JSON.stringify(toDraft(res.intent)));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'stale') setStale(true);
      else { setFields(err instanceof ApiError ? err.fields : {}); setError(errorText(err)); }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p><Link href="/faq">← {t('intent.back')}</Link></p>
      <PageTitle>{isNew ? t('intent.newTitle') : t('intent.editTitle', { id })}</PageTitle>
      {prefill && isNew && <Notice kind="info">{t('intent.prefilled', { count: prefill.texts.vi.length + prefill.texts.en.length })}</Notice>}
      <form onSubmit={save} noValidate class="editor">
        {isNew && <TextInput label={t('intent.id')} hint={t('intent.idHint')} value={draft.id} onInput={(v) => set({ id: v })} error={fields.id} name="id" />}
        <TextInput label={t('intent.description')} value={draft.description} onInput={(v) => set({ description: v })} error={fields.description} name="description" />
        {builtIn ? <p class="hint">{t('intent.titleBuiltIn', { title: draft.title.vi })}</p> : (
          <div class="two-col">
            {LANGS.map((lng) => (
              <TextInput key={lng} label={t(`intent.title_${lng}`)} hint={lng === 'vi' ? t('intent.titleHint') : undefined} value={draft.title[lng]}
                onInput={(v) => set({ title: { ...draft.title, [lng]: v } })} error={fields[`title.${lng}`]} name={`title-${lng}`} />
            ))}
          </div>
        )}
        <div class="two-col">
          {LANGS.map((lng) => (
            <UtteranceEditor key={lng} lng={lng} intentId={isNew ? draft.id : id!} value={draft.utterances[lng]}
              onInput={(v) => set({ utterances: { ...draft.utterances, [lng]: v } })} fields={fields} />
          ))}
        </div>
        {detail?.handler ? (
          <div class="notice notice-info">
            <p>{t('intent.handlerAnswer')}</p>
            <Link href="/school">{t('intent.openSchool')}</Link>
          </div>
        ) : <div class="two-col">
          {LANGS.map((lng) => (
            <AnswerEditor key={lng} lng={lng} value={draft.answer[lng]} placeholders={placeholders}
              source={detail?.answerSource?.[lng]} error={fields[`answer.${lng}`]}
              onInput={(v) => set({ answer: { ...draft.answer, [lng]: v } })} />
          ))}
        </div>}
        <QuickReplies value={draft.quickReplies} onChange={(quickReplies) => set({ quickReplies })} fields={fields} intents={intents} />
        {stale && (
          <Notice kind="error">
            {t('intent.stale')} <button type="button" onClick={() => { setStale(false); load(); }}>{t('intent.reload')}</button>
          </Notice>
        )}
        <Notice kind="error">{error}</Notice>
        <div class="sticky-actions">
          <button type="submit" class="primary" disabled={busy}>{isNew ? t('intent.create') : t('intent.save')}</button>
        </div>
      </form>
      <Training key={saves} show={!!saved || new URLSearchParams(location.search).has('saved')} />
      {!isNew && <DeleteIntent id={id!} />}
      <TryIt />
    </section>
  );
}

/** Deleting asks once more, in words, before anything is removed. */
function DeleteIntent({ id }: { id: string }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState('');
  const remove = async () => {
    setError('');
    try {
      await del(`/admin/intents/${encodeURIComponent(id)}`);
      navigate('/faq', true, true);
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <div class="danger-zone">
      {!asking ? <button type="button" class="danger" onClick={() => setAsking(true)}>{t('intent.delete')}</button> : (
        <div role="group" aria-labelledby="delete-q">
          <p id="delete-q">{t('intent.deleteAsk', { id })}</p>
          <div class="row">
            <button type="button" class="danger" onClick={remove}>{t('intent.deleteYes')}</button>
            <button type="button" onClick={() => setAsking(false)}>{t('intent.deleteNo')}</button>
          </div>
        </div>
      )}
      <Notice kind="error">{error}</Notice>
    </div>
  );
}

/** One utterance per line: a pasted list of any length is kept whole. Warns while typing. */
function UtteranceEditor(props: { lng: Lng; intentId: string; value: string; onInput: (v: string) => void; fields: Record<string, string> }) {
  const [warnings, setWarnings] = useState<CheckWarning[]>([]);
  const timer = useRef<number | undefined>(undefined);
  const all = lines(props.value);
  const count = new Set(all).size;
  const repeated = all.length - count;
  const errs = Object.entries(props.fields).filter(([k]) => k === `utterances.${props.lng}` || k.startsWith(`utterances.${props.lng}.`));

  const check = (el: HTMLTextAreaElement) => {
    const before = el.value.slice(0, el.selectionStart);
    const start = before.lastIndexOf('\n') + 1;
    const endIdx = el.value.indexOf('\n', el.selectionStart);
    const line = el.value.slice(start, endIdx === -1 ? undefined : endIdx).trim();
    clearTimeout(timer.current);
    if (line.length < 3) { setWarnings([]); return; }
    timer.current = window.setTimeout(async () => {
      try {
        const res = await post<{ warnings: CheckWarning[] }>('/admin/nlu/check', { intentId: props.intentId, text: line, language: props.lng });
        setWarnings(res.warnings);
      } catch { setWarnings([]); }
    }, 350);
  };

  return (
    <Field label={t(`intent.utterances_${props.lng}`)} hint={t('intent.utterancesHint', { count }) + (repeated ? ` ${t('intent.repeated', { count: repeated })}` : '')} error={errs.map(([k, m]) => {
      const n = Number(k.split('.')[2]);
      return Number.isFinite(n) ? t('intent.lineError', { line: n + 1, message: m }) : m;
    }).join(' · ') || undefined}>
      {({ id, describedBy, invalid }) => (
        <>
          <textarea id={id} rows={10} value={props.value} aria-describedby={`${describedBy ?? ''} ${id}-warn`.trim()} aria-invalid={invalid || undefined}
            lang={props.lng} spellcheck={false} name={`utterances-${props.lng}`}
            onInput={(e) => { const el = e.target as HTMLTextAreaElement; props.onInput(el.value); check(el); }} />
          <div id={`${id}-warn`} aria-live="polite" class="warnings">
            {warnings.map((w, i) => (
              <p class="warn" key={i}>
                <span aria-hidden="true">⚠ </span>
                {w.kind === 'model'
                  ? t('intent.warnModel', { intent: w.intent, confidence: percent(w.confidence ?? 0) })
                  : t('intent.warnDuplicate', { intent: w.intent, utterance: w.utterance ?? '' })}
              </p>
            ))}
          </div>
        </>
      )}
    </Field>
  );
}

function AnswerEditor(props: { lng: Lng; value: string; placeholders: Placeholder[]; source?: string; error?: string; onInput: (v: string) => void }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const insert = (name: string) => {
    const el = ref.current!;
    const text = `{{${name}}}`;
    el.focus();
    el.setRangeText(text, el.selectionStart, el.selectionEnd, 'end');
    props.onInput(el.value);
  };
  return (
    <Field label={t(`intent.answer_${props.lng}`)} error={props.error}
      hint={props.source ? t(`intent.source_${props.source}`) : undefined}>
      {({ id, describedBy, invalid }) => (
        <>
          <textarea id={id} ref={ref} rows={6} value={props.value} lang={props.lng} aria-describedby={describedBy} aria-invalid={invalid || undefined}
            name={`answer-${props.lng}`} onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)} />
          {props.placeholders.length > 0 && (
            <div class="chips" role="group" aria-label={t('intent.placeholders')}>
              {props.placeholders.map((p) => (
                <button type="button" class="chip" key={p.name} onClick={() => insert(p.name)}
                  title={p.example}>
                  {`{{${p.name}}}`}<span class="sr-only"> – {t('intent.insert', { lang: t(`lang.${props.lng}`) })}</span>
                </button>
              ))}
            </div>
          )}
        </>
      )}
    </Field>
  );
}

/** Quick replies are other FAQ topics offered as buttons under the answer: chosen from a list. */
function QuickReplies(props: { value: QuickReply[]; onChange: (v: QuickReply[]) => void; fields: Record<string, string>; intents: IntentSummary[] }) {
  const [pick, setPick] = useState('');
  const chosen = new Set(props.value.map((q) => q.payload.replace(/^intent:/, '')));
  const nameOf = (q: QuickReply) => {
    const i = props.intents.find((x) => x.id === q.payload.replace(/^intent:/, ''));
    return i ? title(i) : q.title || q.payload;
  };
  const error = Object.entries(props.fields).filter(([k]) => k.startsWith('quickReplies')).map(([, m]) => m).join(' · ');
  return (
    <fieldset>
      <legend>{t('intent.quickReplies')}</legend>
      <p class="hint">{t('intent.qrHint')}</p>
      {props.value.length > 0 && (
        <ul class="chips" aria-label={t('intent.quickReplies')}>
          {props.value.map((q, i) => (
            <li key={q.payload} class="chip">
              {nameOf(q)}
              <button type="button" class="chip-remove" onClick={() => props.onChange(props.value.filter((_, k) => k !== i))}
                aria-label={t('intent.qrRemove', { name: nameOf(q) })}>×</button>
            </li>
          ))}
        </ul>
      )}
      <div class="inline-form">
        <Field label={t('intent.qrPick')} error={error || undefined}>
          {({ id, describedBy }) => (
            <select id={id} value={pick} aria-describedby={describedBy} onChange={(e) => setPick((e.target as HTMLSelectElement).value)}>
              <option value="">{t('unanswered.choose')}</option>
              {props.intents.filter((i) => !chosen.has(i.id)).map((i) => <option key={i.id} value={i.id}>{title(i)}</option>)}
            </select>
          )}
        </Field>
        <button type="button" disabled={!pick} onClick={() => {
          const i = props.intents.find((x) => x.id === pick);
          if (i) props.onChange([...props.value, { title: title(i), payload: `intent:${i.id}` }]);
          setPick('');
        }}>{t('intent.qrAdd')}</button>
      </div>
    </fieldset>
  );
}

/** After a save: polls the model status until the new model answers parents. */
export function Training({ show }: { show: boolean }) {
  const [status, setStatus] = useState<NluStatus | null>(null);
  useEffect(() => {
    if (!show) return;
    let live = true;
    let timer: number | undefined;
    const poll = async () => {
      try {
        const s = await get<NluStatus>('/admin/nlu/status');
        if (!live) return;
        setStatus(s);
        if (s.training) timer = window.setTimeout(poll, 800);
      } catch { if (live) timer = window.setTimeout(poll, 2000); }
    };
    poll();
    return () => { live = false; clearTimeout(timer); };
  }, [show]);
  if (!show) return <div role="status" aria-live="polite" />;
  return (
    <div role="status" aria-live="polite" class="training" data-testid="training">
      {t('intent.saved')} {!status || status.training ? t('intent.training') : t('intent.live', { at: status.trainedAt ? formatDateTime(status.trainedAt) : '' })}
    </div>
  );
}

// The school's data as forms, one tab per part Loa answers from. Each save is checked by the server
// with the same schema as the API; what is wrong is shown next to its field, nothing is half saved.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, put } from '../api.ts';
import { t } from '../i18n.ts';
import { Link } from '../router.tsx';
import type { SchoolSection } from '../types.ts';
import { Fields, clean, setAt, unshown, type Desc, type Errors } from '../ui/form.tsx';
import { Loading, Notice, PageTitle, errorText, useTitle, useUnsaved } from '../ui/kit.tsx';
import { MenuGrid, cleanMenus } from './menu-grid.tsx';

const bi = (key: string, optional = false, long = false): Desc => ({ k: 'bilingual', key, optional, long });
const text = (key: string, optional = false): Desc => ({ k: 'text', key, optional });

const HOURS: Desc = { k: 'group', key: 'hours', fields: [
  bi('days'), { k: 'time', key: 'open' }, { k: 'time', key: 'dropOffUntil' }, { k: 'time', key: 'pickUpFrom' }, { k: 'time', key: 'close' },
  bi('saturday'), bi('latePickup', false, true),
] };

/** Each tab: the API section it edits and the fields it shows (the rest of the section is kept as is). */
interface Part { section: SchoolSection; fields: Desc[]; heading?: string }
const TABS: Record<string, Part | Part[]> = {
  profile: { section: 'profile', fields: [
    text('name'), text('nameEn', true), text('shortName'), text('address'), text('phone'), text('email'),
    text('zalo', true), text('fanpage', true), text('website', true),
    { k: 'group', key: 'principal', fields: [text('name'), bi('title'), text('phone')] },
    { k: 'list', key: 'contacts', item: [bi('role'), text('name'), text('phone')] },
    bi('officeHours'),
  ] },
  // Pick-up hours live in the profile, the day's routine in the guides: one tab, two forms.
  pickup: [{ section: 'profile', fields: [HOURS], heading: 'school.f.hours' }, { section: 'guides', fields: [bi('routine', false, true)], heading: 'school.f.routine' }],
  fees: { section: 'fees', fields: [
    text('schoolYear'),
    { k: 'group', key: 'tuition', fields: [{ k: 'number', key: 'amount' }, bi('note', false, true)] },
    { k: 'list', key: 'items', item: [text('id'), bi('name'), { k: 'number', key: 'amount' }, { k: 'select', key: 'per', options: ['day', 'month', 'term', 'year'] }, bi('note', true)] },
    { k: 'group', key: 'payment', fields: [
      bi('deadline', false, true), bi('methods', false, true), bi('refund', false, true),
      { k: 'group', key: 'bank', optional: true, fields: [text('name'), text('accountNumber'), text('holder'), bi('reference')] },
    ] },
  ] },
  calendar: { section: 'calendar', fields: [
    { k: 'group', key: 'schoolYear', fields: [text('name'), { k: 'date', key: 'start' }, { k: 'date', key: 'end' }] },
    { k: 'weekdays', key: 'schoolDays' },
    { k: 'list', key: 'terms', item: [bi('name'), { k: 'date', key: 'start' }, { k: 'date', key: 'end' }] },
    { k: 'list', key: 'holidays', item: [bi('name'), { k: 'date', key: 'from' }, { k: 'date', key: 'to' }] },
    { k: 'list', key: 'events', item: [{ k: 'date', key: 'date' }, bi('name'), { k: 'time', key: 'time', optional: true }, bi('details', true, true)] },
  ] },
  guides: { section: 'guides', fields: [bi('health', false, true), bi('uniform', false, true), bi('enrollment', false, true), bi('support', false, true)] },
  classes: { section: 'classes', fields: [] },
  menus: { section: 'menus', fields: [] },
};
const CLASS_ITEM: Desc[] = [text('id'), text('name'), { k: 'select', key: 'ageGroup', options: ['nha_tre', 'mam', 'choi', 'la'] }, bi('ages'), { k: 'tags', key: 'teachers' }];
export const TAB_IDS = ['profile', 'pickup', 'fees', 'calendar', 'guides', 'menus', 'classes'];

export function SchoolData({ section: tab }: { section: string }) {
  const def = TABS[tab];
  useTitle(t(`school.tab.${tab}`, { defaultValue: t('school.title') }));
  return (
    <section>
      <PageTitle>{t('school.title')}: {t(`school.tab.${tab}`, { defaultValue: tab })}</PageTitle>
      <nav aria-label={t('school.tabs')} class="tabs">
        <ul>
          {TAB_IDS.map((id) => <li key={id}><Link href={`/school/${id}`} aria-current={id === tab ? 'page' : undefined}>{t(`school.tab.${id}`)}</Link></li>)}
        </ul>
      </nav>
      {!def ? <Notice kind="error">{t('notFound.title')}</Notice> : (Array.isArray(def) ? def : [def]).map((part, i) => (
        <SectionForm key={`${tab}-${i}`} id={`${tab}-${i}`} part={part} />
      ))}
    </section>
  );
}

interface Loaded { data: any; version: number }

function SectionForm({ id: tab, part: def }: { id: string; part: Part }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [draft, setDraft] = useState<any>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState('');
  const [stale, setStale] = useState(false);
  const [ok, setOk] = useState('');
  const [busy, setBusy] = useState(false);
  const [loadedText, setLoadedText] = useState('');
  useUnsaved(`school:${tab}`, draft !== null && loadedText !== '' && JSON.stringify(draft) !== loadedText);

  const load = async () => {
    setError('');
    try {
      const res = await get<{ data: any; version: number }>(`/admin/school/${def.section}`);
      setLoaded(res);
      const next = def.section === 'classes' ? { classes: res.data } : res.data;
      setDraft(next);
      setLoadedText(JSON.stringify(next));
    } catch (err) { setError(errorText(err)); }
  };
  useEffect(() => { load(); }, [tab]);

  if (!draft) return error ? <Notice kind="error">{error}</Notice> : <Loading />;
  const fields: Desc[] = def.section === 'classes' ? [{ k: 'list', key: 'classes', item: CLASS_ITEM }] : def.fields;
  const change = (path: (string | number)[], v: any) => { setDraft((d: any) => setAt(d, path, v)); setOk(''); };

  const save = async (e?: Event) => {
    e?.preventDefault();
    setBusy(true); setError(''); setErrors({}); setOk(''); setStale(false);
    let data = def.section === 'menus' ? cleanMenus(draft) : clean(fields, draft);
    if (def.section === 'classes') data = data.classes;
    try {
      const res = await put<Loaded>(`/admin/school/${def.section}`, { data, version: loaded!.version });
      setLoaded(res);
      const next = def.section === 'classes' ? { classes: res.data } : res.data;
      setDraft(next);
      setLoadedText(JSON.stringify(next));
      setOk(t('school.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'stale') setStale(true);
      else {
        const f = err instanceof ApiError ? err.fields : {};
        // classes are a list at the top: the server's "0.name" is this form's "classes.0.name".
        setErrors(def.section === 'classes' ? Object.fromEntries(Object.entries(f).map(([k, m]) => [`classes.${k}`, m])) : f);
        setError(Object.keys(f).length ? t('school.fixFields', { count: Object.keys(f).length }) : errorText(err));
      }
    } finally { setBusy(false); }
  };

  const status = (
    <>
      {stale && <Notice kind="error">{t('school.stale')} <button type="button" onClick={() => { setStale(false); load(); }}>{t('intent.reload')}</button></Notice>}
      <Notice kind="error">{error}{unshown(fields, errors, draft).map((m) => <div key={m}>{m}</div>)}</Notice>
      <Notice kind="ok">{ok}</Notice>
    </>
  );

  if (def.section === 'menus') {
    return <MenuGrid value={draft} errors={errors} onChange={(v) => { setDraft(v); setOk(''); }} onSave={save} busy={busy} status={status} />;
  }
  return (
    <form onSubmit={save} noValidate class="school-form" aria-label={def.heading ? t(def.heading) : undefined}>
      {def.heading && <h2>{t(def.heading)}</h2>}
      <Fields fields={fields} value={draft} path={[]} errors={errors} onChange={change} />
      {status}
      <div class="sticky-actions"><button type="submit" class="primary" disabled={busy}>{t('school.save')}</button></div>
    </form>
  );
}

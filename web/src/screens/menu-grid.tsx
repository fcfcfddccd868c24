// The menu as a weekly grid: the rotation's weeks (days × lunch/snack in both languages), the days
// that replace the rotation, and a CSV import (schools keep menus in spreadsheets).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { schoolToday, t } from '../i18n.ts';
import type { SchoolData } from '../types.ts';
import type { Errors } from '../ui/form.tsx';
import { DAYS, emptyMeal, type Meal } from './menu-data.ts';

export { cleanMenus } from './menu-data.ts';
import { Field, Notice, errorText } from '../ui/kit.tsx';

type Menus = SchoolData['menus'];
const ROWS = [['lunch', 'vi'], ['lunch', 'en'], ['snack', 'vi'], ['snack', 'en']] as const;
/** Which rotation week and weekday "today" is at the school. */
function today(m: Menus): { week: number; day: string; date: string } | null {
  const date = schoolToday();
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (!m.weeks.length || date < m.rotationStart || dow === 0) return null;
  const week = Math.floor((Date.parse(date) - Date.parse(m.rotationStart)) / (7 * 86_400_000)) % m.weeks.length;
  return { week, day: DAYS[dow - 1], date };
}

export function MenuGrid(props: { value: Menus; errors: Errors; onChange: (v: Menus) => void; onSave: () => void; busy: boolean; status: ComponentChildren }) {
  const m = props.value;
  const now = today(m);
  const set = (patch: Partial<Menus>) => props.onChange({ ...m, ...patch });
  const setCell = (week: number, day: string, meal: 'lunch' | 'snack', lng: 'vi' | 'en', text: string) => {
    const weeks = m.weeks.map((w, i) => {
      if (i !== week) return w;
      const cur: Meal = { ...emptyMeal(), ...((w as any)[day] ?? {}) };
      return { ...w, [day]: { ...cur, [meal]: { ...(cur[meal] ?? { vi: '', en: '' }), [lng]: text } } };
    });
    set({ weeks });
  };
  const save = (e: Event) => {
    e.preventDefault();
    props.onSave();
  };
  const err = (path: string) => props.errors[path];

  return (
    <form onSubmit={save} noValidate class="menu">
      <Field label={t('menu.rotationStart')} hint={t('menu.rotationHint')} error={err('rotationStart')}>
        {({ id, describedBy, invalid }) => (
          <input id={id} value={m.rotationStart} aria-describedby={describedBy} aria-invalid={invalid || undefined} placeholder="2026-09-07"
            onInput={(e) => set({ rotationStart: (e.target as HTMLInputElement).value })} />
        )}
      </Field>
      {now && <p class="hint">{t('menu.todayIs', { week: now.week + 1, day: t(`menu.day.${now.day}`) })}</p>}
      {m.weeks.map((w, wi) => (
        <div class="week" key={wi}>
          <h2 id={`week-${wi}`}>{t('menu.week', { n: wi + 1 })}</h2>
          <div class="table-wrap" tabIndex={0} role="region" aria-labelledby={`week-${wi}`}>
            <table class="grid">
              <thead>
                <tr>
                  <td />
                  {ROWS.map(([meal, lng]) => <th scope="col" key={`${meal}-${lng}`}>{t(`menu.${meal}`)} ({t(`lang.${lng}`)})</th>)}
                </tr>
              </thead>
              <tbody>
                {DAYS.map((d) => (
                  <tr key={d}>
                    <th scope="row">{t(`menu.day.${d}`)}{now?.week === wi && now.day === d ? <span class="today"> ({t('menu.today')})</span> : null}</th>
                    {ROWS.map(([meal, lng]) => {
                      const path = `weeks.${wi}.${d}.${meal}.${lng}`;
                      const e = err(path) ?? err(`weeks.${wi}.${d}.${meal}`) ?? (meal === 'lunch' && lng === 'vi' ? err(`weeks.${wi}.${d}`) : undefined);
                      return (
                        <td key={`${meal}-${lng}`} class={e ? 'invalid' : ''}>
                          <span class="cell-label" aria-hidden="true">{t(`menu.${meal}`)} ({t(`lang.${lng}`)})</span>
                          <textarea rows={3} lang={lng} value={((w as any)[d]?.[meal]?.[lng]) ?? ''} aria-invalid={e ? true : undefined}
                            aria-label={t('menu.cell', { week: wi + 1, day: t(`menu.day.${d}`), meal: t(`menu.${meal}`), lang: t(`lang.${lng}`) })}
                            aria-describedby={e ? `${path}-err` : undefined}
                            onInput={(ev) => setCell(wi, d, meal, lng, (ev.target as HTMLTextAreaElement).value)} />
                          {e && <p class="field-error" id={`${path}-err`}>{e}</p>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button type="button" onClick={() => set({ weeks: m.weeks.filter((_, i) => i !== wi) })}>{t('menu.removeWeek', { n: wi + 1 })}</button>
        </div>
      ))}
      <button type="button" onClick={() => set({ weeks: [...m.weeks, {}] })}>{t('menu.addWeek')}</button>
      <Overrides value={m} errors={props.errors} onChange={props.onChange} />
      {props.status}
      <div class="sticky-actions"><button type="submit" class="primary" disabled={props.busy}>{t('school.save')}</button></div>
      <CsvImport onLoaded={(data) => props.onChange(data)} />
    </form>
  );
}

function Overrides(props: { value: Menus; errors: Errors; onChange: (v: Menus) => void }) {
  const m = props.value;
  const entries = Object.entries(m.overrides ?? {}) as [string, Meal][];
  const [newDate, setNewDate] = useState('');
  const rebuild = (list: [string, Meal][]) => props.onChange({ ...m, overrides: Object.fromEntries(list) as any });
  return (
    <fieldset class="overrides">
      <legend>{t('menu.overrides')}</legend>
      <p class="hint">{t('menu.overridesHint')}</p>
      {entries.map(([date, meal], i) => (
        <fieldset key={date} class="list-item">
          <legend>{date}</legend>
          {(['lunch', 'snack'] as const).map((part) => (['vi', 'en'] as const).map((lng) => {
            const e = props.errors[`overrides.${date}.${part}.${lng}`];
            return (
              <Field key={part + lng} label={`${t(`menu.${part}`)} (${t(`lang.${lng}`)})`} error={e}>
                {({ id, describedBy, invalid }) => (
                  <input id={id} lang={lng} value={meal[part]?.[lng] ?? ''} aria-describedby={describedBy} aria-invalid={invalid || undefined}
                    onInput={(ev) => rebuild(entries.map(([d, x], k) => k === i ? [d, { ...emptyMeal(), ...x, [part]: { ...(x[part] ?? { vi: '', en: '' }), [lng]: (ev.target as HTMLInputElement).value } }] : [d, x]))} />
                )}
              </Field>
            );
          }))}
          <button type="button" onClick={() => rebuild(entries.filter((_, k) => k !== i))}>{t('menu.removeOverride', { date })}</button>
        </fieldset>
      ))}
      <div class="inline-form">
        <Field label={t('menu.newOverride')} hint={t('school.dateHint')} error={newDate && !/^\d{4}-\d{2}-\d{2}$/.test(newDate) ? t('menu.badDate') : undefined}>
          {({ id, describedBy }) => <input id={id} value={newDate} placeholder="2026-12-24" aria-describedby={describedBy} onInput={(e) => setNewDate((e.target as HTMLInputElement).value)} />}
        </Field>
        <button type="button" disabled={!/^\d{4}-\d{2}-\d{2}$/.test(newDate) || newDate in (m.overrides ?? {})}
          onClick={() => { rebuild([...entries, [newDate, emptyMeal()]]); setNewDate(''); }}>{t('menu.addOverride')}</button>
      </div>
    </fieldset>
  );
}

function CsvImport(props: { onLoaded: (data: Menus) => void }) {
  const [text, setText] = useState('');
  const [lines, setLines] = useState<{ line: number; message: string }[]>([]);
  const [error, setError] = useState('');
  const [ok, setOk] = useState('');
  const load = async () => {
    setLines([]); setError(''); setOk('');
    try {
      const res = await api<{ data: Menus }>('POST', '/admin/school/menus/import', text, 'text/csv');
      props.onLoaded(res.data);
      setOk(t('menu.csvLoaded'));
    } catch (err) {
      if (err instanceof ApiError && err.lines.length) setLines(err.lines);
      else setError(errorText(err));
    }
  };
  return (
    <fieldset class="csv">
      <legend>{t('menu.csv')}</legend>
      <p class="hint">{t('menu.csvHint')}</p>
      <p><a class="button" href="/api/admin/school/menus/export" download>{t('menu.csvExport')}</a></p>
      <Field label={t('io.file')}>
        {({ id }) => <input id={id} type="file" accept=".csv,text/csv" onChange={async (e) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) setText(await f.text()); }} />}
      </Field>
      <Field label={t('menu.csvText')}>
        {({ id }) => <textarea id={id} rows={6} value={text} spellcheck={false} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />}
      </Field>
      <button type="button" onClick={load} disabled={!text.trim()}>{t('menu.csvLoad')}</button>
      <Notice kind="error">{error}{lines.length > 0 && <ul>{lines.map((l, i) => <li key={i}>{t('io.line', { line: l.line, message: l.message })}</li>)}</ul>}</Notice>
      <Notice kind="ok">{ok}</Notice>
    </fieldset>
  );
}

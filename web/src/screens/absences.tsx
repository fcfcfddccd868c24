// Vắng mặt: a day's absences (today unless another day is chosen) by class, with the child, the
// days and the reason. Staff limited to classes see theirs; the commune's viewer gets counts only
// (the API decides). New and withdrawn absences appear without a reload.
import { get } from '../api.ts';
import { formatFullDate, t } from '../i18n.ts';
import { navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Field, Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import { useCoalesced, useLive } from '../care/live.ts';
import { LiveStatus, className, useClasses } from '../care/parts.tsx';
import type { Absence } from '../care/types.ts';

type Answer = { date: string; absences: Absence[] } | { date: string; total: number; byClass: Record<string, number> };

const longDate = (day: string) => formatFullDate(new Date(`${day}T00:00:00Z`), { timeZone: 'UTC' });
/** "02/12": day then month, as the school writes it (vi and en-GB alike). */
const shortDate = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

export function Absences() {
  useTitle(t('absences.title'));
  const { query } = useLocation();
  const me = useSession().me!;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(query.get('date') ?? '') ? query.get('date')! : '';
  const cls = query.get('class') ?? '';
  const asked = new URLSearchParams();
  if (date) asked.set('date', date);
  if (cls) asked.set('class', cls);
  const key = asked.toString();
  const data = useLoad(() => get<Answer>(`/admin/absences${key ? `?${key}` : ''}`), [key]);
  const classes = useClasses();
  const reload = useCoalesced(() => data.reload());
  const live = useLive((e) => { if (e.kind === 'absence' || e.kind === 'resync') reload(); });
  const ownClasses = me.user.role === 'staff' && me.user.classIds.length ? classes.filter((c) => me.user.classIds.includes(c.id)) : classes;

  const choose = (next: { date?: string; class?: string }) => {
    const p = new URLSearchParams();
    const d = next.date ?? date;
    const k = next.class ?? cls;
    if (d) p.set('date', d);
    if (k) p.set('class', k);
    navigate(`/absences${p.toString() ? `?${p}` : ''}`, true);
  };

  const d = data.data;
  // Grouped by class, in the school's order of classes.
  const groups = d && 'absences' in d
    ? ownClasses.map((k) => ({ cls: k, list: d.absences.filter((a) => a.classId === k.id) })).filter((g) => g.list.length > 0 || cls === g.cls.id)
    : [];

  return (
    <section>
      <PageTitle>{t('absences.title')}</PageTitle>
      <LiveStatus state={live} />
      <form class="filters" aria-label={t('absences.choose')} onSubmit={(e) => e.preventDefault()}>
        <Field label={t('absences.day')}>
          {({ id }) => <input id={id} type="date" value={d?.date ?? date} onChange={(e) => choose({ date: (e.target as HTMLInputElement).value })} />}
        </Field>
        <Field label={t('comments.classLabel')}>
          {({ id }) => (
            <select id={id} value={cls} onChange={(e) => choose({ class: (e.target as HTMLSelectElement).value })}>
              <option value="">{me.user.role === 'staff' && me.user.classIds.length ? t('absences.myClasses') : t('absences.allClasses')}</option>
              {ownClasses.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
            </select>
          )}
        </Field>
      </form>
      {data.error ? <Notice kind="error">{errorText(data.error)}</Notice> : !d ? <Loading /> : (
        <>
          <h2 data-testid="absences-day">{longDate(d.date)}</h2>
          {'absences' in d ? (
            <>
              <p data-testid="absences-total">{t('absences.total', { count: d.absences.length })}</p>
              {groups.map((g) => (
                <div key={g.cls.id} class="card" data-testid="absence-class" data-class={g.cls.id}>
                  <h3>{g.cls.name} <span class="hint">· {t('absences.children', { count: g.list.length })}</span></h3>
                  <div class="table-wrap">
                    <table class="absences">
                      <thead><tr><th scope="col">{t('absences.child')}</th><th scope="col">{t('absences.days')}</th><th scope="col">{t('absences.reason')}</th></tr></thead>
                      <tbody>
                        {g.list.map((a) => (
                          <tr key={a.id}>
                            <th scope="row">{a.childName}</th>
                            <td>{a.fromDate === a.toDate ? shortDate(a.fromDate) : t('absences.range', { from: shortDate(a.fromDate), to: shortDate(a.toDate) })}</td>
                            <td>{a.reason ?? t('absences.noReason')}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
              ))}
            </>
          ) : (
            <>
              <p data-testid="absences-total">{t('absences.total', { count: d.total })}</p>
              <ul class="counts">
                {Object.entries(d.byClass).map(([id, n]) => <li key={id}><span>{className(classes, id)}</span><strong>{n}</strong></li>)}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

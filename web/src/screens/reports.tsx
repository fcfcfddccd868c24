// Báo cáo: a week or a month of comments, answers, absences and questions. Each chart comes with
// its data table and its CSV, all three from the same rows of the API (`charts`); a bar or a row
// opens the comments or questions behind it. The commune's version (counts only) is one link
// away, and the page prints as the school's paper copy.
import { get } from '../api.ts';
import { formatDateTime, lang, percent, schoolToday, t } from '../i18n.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { allowed, useSession } from '../session.tsx';
import type { Role } from '../types.ts';
import { BarChart } from '../ui/bar-chart.tsx';
import { Field, Loading, Notice, PageTitle, errorText, useLoad, useTitle } from '../ui/kit.tsx';
import './reports.css';

type Period = 'week' | 'month';
interface ChartRow { key: string; label: string; values: number[] }
interface Chart { id: string; title: string; rowHeader: string; series: { key: string; label: string }[]; rows: ChartRow[] }
interface Report {
  school: string;
  period: { kind: Period; from: string; to: string };
  comments: {
    total: number; urgent: number; answered: number; overdue: number; answeredInTime: number; dueOrAnswered: number;
    medianHoursToFirstAnswer: number | null; p90HoursToFirstAnswer: number | null;
  };
  urgentComments?: { id: number; code: string; createdAt: string; category: string; status: string; firstResponseAt: string | null; dueAt: string }[];
  absences: { total: number };
  questions: { total: number; unansweredCount: number; unanswered?: { text: string; count: number }[] };
}

const todayLocal = schoolToday;
const shift = (date: string, period: Period, step: number) => {
  const [y, m, d] = date.split('-').map(Number);
  const at = period === 'week' ? new Date(Date.UTC(y, m - 1, d + 7 * step)) : new Date(Date.UTC(y, m - 1 + step, 1));
  return at.toISOString().slice(0, 10);
};
const isDate = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s);
/** A school day as people write it: 30/11/2026, or 30/11/2026 in English too (en-GB). */
const formatDay = (d: string) => new Intl.DateTimeFormat(lang() === 'vi' ? 'vi-VN' : 'en-GB', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));

/** Where a bar leads: the comments of that category, status or day in the period; the day's absences; the questions. */
function linkOf(chart: string, key: string, r: Report, role: Role): string | null {
  const { from, to } = r.period;
  const range = `from=${from}&to=${to}`;
  switch (chart) {
    case 'category': return `/comments?category=${encodeURIComponent(key)}&${range}`;
    case 'sentiment': return `/comments?sentiment=${encodeURIComponent(key)}&${range}`;
    case 'status': return `/comments?status=${encodeURIComponent(key)}&${range}`;
    case 'comments_by_day': return `/comments?from=${key}&to=${key}`;
    case 'absences': return `/absences?class=${encodeURIComponent(key)}&date=${from}`;
    case 'intents': return key === 'none' ? (allowed(role, 'unanswered') ? '/unanswered' : null) : allowed(role, 'editFaq') ? `/faq/${encodeURIComponent(key)}` : null;
    case 'questions_by_day': return allowed(role, 'unanswered') ? '/unanswered' : null;
    default: return null;
  }
}

export function Reports() {
  useTitle(t('reports.title'));
  const role = useSession().me!.user.role;
  const { query } = useLocation();
  const period: Period = query.get('period') === 'month' ? 'month' : 'week';
  const date = isDate(query.get('date')) ? query.get('date')! : todayLocal();
  // The period and day live in the address: a printed or shared link shows the same report.
  const choose = (p: Period, d: string) => navigate(`/reports?period=${p}&date=${d}`, true);
  const data = useLoad(() => get<{ report: Report; charts: Chart[] }>(`/admin/reports/${period}?date=${date}`), [period, date, lang()]);
  const api = (extra: string) => `/api/admin/reports/${period}?date=${date}&format=csv&lang=${lang()}${extra}`;
  const communeOnly = role === 'viewer' || role === 'staff';

  return (
    <section class="reports">
      <PageTitle>{t('reports.title')}</PageTitle>
      <div class="filters no-print">
        <Field label={t('reports.period')}>
          {({ id }) => (
            <select id={id} value={period} onChange={(e) => choose((e.target as HTMLSelectElement).value as Period, date)}>
              <option value="week">{t('reports.week')}</option>
              <option value="month">{t('reports.month')}</option>
            </select>
          )}
        </Field>
        <Field label={t('reports.date')}>
          {({ id }) => <input id={id} type="date" value={date} onChange={(e) => { const v = (e.target as HTMLInputElement).value; if (isDate(v)) choose(period, v); }} />}
        </Field>
      </div>
      <div class="row no-print">
        <button type="button" onClick={() => choose(period, shift(date, period, -1))}>← {t('reports.previous')}</button>
        <button type="button" onClick={() => choose(period, shift(date, period, 1))}>{t('reports.next')} →</button>
        <button type="button" class="primary" onClick={() => window.print()}>{t('reports.print')}</button>
      </div>
      <ul class="more-links downloads no-print">
        {!communeOnly && <li><a href={api('')} download>{t('reports.downloadAll')}</a></li>}
        <li><a href={api('&audience=commune')} download data-testid="commune-csv">{t('reports.downloadCommune')}</a></li>
      </ul>
      {communeOnly && <p class="hint">{t('reports.communeNote')}</p>}
      {data.error ? <Notice kind="error">{errorText(data.error)}</Notice> : !data.data ? <Loading /> : (
        <ReportBody report={data.data.report} charts={data.data.charts} role={role} csv={(id) => api(`&chart=${id}`)} />
      )}
    </section>
  );
}

function ReportBody({ report: r, charts, role, csv }: { report: Report; charts: Chart[]; role: Role; csv: (id: string) => string }) {
  const hours = (n: number | null) => (n === null ? '–' : t('reports.hours', { n: n.toLocaleString(lang() === 'vi' ? 'vi-VN' : 'en-GB') }));
  const c = r.comments;
  return (<>
    <p class="period" data-testid="report-range"><strong>{r.school}</strong> · {t(`reports.${r.period.kind}`)} · {t('reports.range', { from: formatDay(r.period.from), to: formatDay(r.period.to) })}</p>
    <p class="print-only">{t('reports.printedAt', { at: formatDateTime(new Date().toISOString()) })}</p>
    <h2>{t('reports.summaryTitle')}</h2>
    <div class="table-wrap">
      <table class="summary" data-testid="report-summary">
        <tbody>
          <tr><th scope="row">{t('reports.comments')}</th><td>{c.total}</td></tr>
          <tr><th scope="row">{t('reports.urgent')}</th><td>{c.urgent}</td></tr>
          <tr><th scope="row">{t('reports.overdue')}</th><td>{c.overdue}</td></tr>
          <tr><th scope="row">{t('reports.answered')}</th><td>{c.answered}</td></tr>
          <tr><th scope="row">{t('reports.median')}</th><td>{hours(c.medianHoursToFirstAnswer)}</td></tr>
          <tr><th scope="row">{t('reports.p90')}</th><td>{hours(c.p90HoursToFirstAnswer)}</td></tr>
          <tr><th scope="row">{t('reports.inTime')}</th><td>{c.dueOrAnswered ? t('reports.inTimeValue', { share: percent(c.answeredInTime / c.dueOrAnswered), n: c.answeredInTime, of: c.dueOrAnswered }) : '–'}</td></tr>
          <tr><th scope="row">{t('reports.absences')}</th><td>{r.absences.total}</td></tr>
          <tr><th scope="row">{t('reports.questions')}</th><td>{r.questions.total}</td></tr>
          <tr><th scope="row">{t('reports.unansweredCount')}</th><td>{r.questions.unansweredCount}</td></tr>
        </tbody>
      </table>
    </div>
    <p class="hint">{t('reports.definitions')}</p>
    {charts.map((chart) => <ChartSection key={chart.id} chart={chart} report={r} role={role} csv={csv(chart.id)} />)}
    {r.urgentComments && r.urgentComments.length > 0 && (<>
      <h2>{t('reports.urgentList')}</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('reports.urgentList')}>
        <table data-testid="urgent-list">
          <thead><tr><th scope="col">{t('reports.code')}</th><th scope="col">{t('reports.createdAt')}</th><th scope="col">{t('reports.labels.rowHeader.category')}</th><th scope="col">{t('reports.labels.rowHeader.status')}</th><th scope="col">{t('reports.firstAnswer')}</th><th scope="col">{t('reports.dueAt')}</th></tr></thead>
          <tbody>
            {r.urgentComments.map((u) => (
              <tr key={u.id}>
                <td><Link href={`/comments/${u.id}`}>{u.code}</Link></td>
                <td>{formatDateTime(u.createdAt)}</td>
                <td>{t(`reports.labels.category.${u.category}`, { defaultValue: u.category })}</td>
                <td>{t(`reports.labels.status.${u.status}`, { defaultValue: u.status })}</td>
                <td>{u.firstResponseAt ? formatDateTime(u.firstResponseAt) : <strong>{t('reports.notAnswered')}</strong>}</td>
                <td>{formatDateTime(u.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>)}
    {r.questions.unanswered && r.questions.unanswered.length > 0 && (<>
      <h2>{t('reports.unansweredList')}</h2>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('reports.unansweredList')}>
        <table>
          <thead><tr><th scope="col">{t('reports.text')}</th><th scope="col">{t('reports.count')}</th></tr></thead>
          <tbody>{r.questions.unanswered.map((q, i) => <tr key={i}><td>{q.text}</td><td>{q.count}</td></tr>)}</tbody>
        </table>
      </div>
      {allowed(role, 'unanswered') && <p class="no-print"><Link href="/unanswered">{t('reports.toUnanswered')}</Link></p>}
    </>)}
    <div class="print-only signatures" aria-hidden="true">
      <div><strong>{t('reports.preparedBy')}</strong><br />{t('reports.signHint')}</div>
      <div><strong>{t('reports.principalSigns')}</strong><br />{t('reports.signHint')}</div>
    </div>
  </>);
}

function ChartSection({ chart, report, role, csv }: { chart: Chart; report: Report; role: Role; csv: string }) {
  const headingId = `chart-${chart.id}`;
  const total = chart.rows.reduce((n, row) => n + row.values[0], 0);
  const summary = chart.rows.filter((row) => row.values.some((v) => v > 0))
    .map((row) => `${row.label} ${row.values.join(' / ')}`).join(', ') || t('reports.none');
  const link = (row: ChartRow) => (row.values.some((v) => v > 0) ? linkOf(chart.id, row.key, report, role) : null);
  return (
    <section class="chart" aria-labelledby={headingId} data-testid={`chart-${chart.id}`}>
      <h2 id={headingId}>{chart.title}</h2>
      {total === 0 && chart.series.length === 1 ? <p>{t('reports.none')}</p> : (
        <BarChart labels={chart.rows.map((row) => row.label)} series={chart.series.map((s, i) => ({ label: s.label, values: chart.rows.map((row) => row.values[i]) }))}
          label={t('reports.chartAlt', { title: chart.title, summary })}
          onBar={(i) => { const to = link(chart.rows[i]); if (to) navigate(to); }} testId={`canvas-${chart.id}`} />
      )}
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('reports.showTable', { title: chart.title })}>
        <table>
          <thead><tr><th scope="col">{chart.rowHeader}</th>{chart.series.map((s) => <th scope="col" key={s.key}>{s.label}</th>)}</tr></thead>
          <tbody>
            {chart.rows.map((row) => {
              const to = link(row);
              return (
                <tr key={row.key} data-key={row.key}>
                  <th scope="row">{to ? <Link href={to}>{row.label}</Link> : row.label}</th>
                  {row.values.map((v, i) => <td key={i}>{v}</td>)}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="no-print"><a href={csv} download>{t('reports.downloadChart', { title: chart.title })}</a></p>
    </section>
  );
}

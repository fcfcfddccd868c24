// A report as the console draws it: one list of charts, each a set of rows (a bar each) with one
// value per series. The chart, its data table and its CSV are all made from these rows, so that
// what a school prints, reads and downloads is the same numbers. Labels come from the console's
// texts (locales/<lng>/console.json, "reports.labels"), in the reader's language.
import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../../store/types.ts';
import { CATEGORIES } from '../comments/comment-analysis.ts';
import { COMMENT_STATUSES } from '../../store/types.ts';
import { formatShortDate } from '../../core/dates.ts';
import { csvCell, type Report } from './report-service.ts';

export const CHART_IDS = ['category', 'sentiment', 'status', 'comments_by_day', 'absences', 'intents', 'questions_by_day'] as const;
export type ChartId = (typeof CHART_IDS)[number];

export interface ReportChart {
  id: ChartId;
  title: string;
  /** What the row's label names (the CSV's and the table's first column). */
  rowHeader: string;
  series: { key: string; label: string }[];
  rows: { key: string; label: string; values: number[] }[];
}

type Labels = Record<string, Record<string, string>>;
const cache = new Map<Locale, Labels>();

function labelsFor(lng: Locale, localesDir = path.resolve('locales')): Labels {
  let labels = cache.get(lng);
  if (!labels) {
    const file = JSON.parse(fs.readFileSync(path.join(localesDir, lng, 'console.json'), 'utf8'));
    cache.set(lng, (labels = { ...file.reports.labels, intent: file.intentTitle, screen: file.reports } as Labels));
  }
  return labels;
}

export function reportCharts(r: Report, lng: Locale): ReportChart[] {
  const L = labelsFor(lng);
  const word = (group: string, key: string) => L[group]?.[key] ?? key;
  const series = (...keys: string[]) => keys.map((key) => ({ key, label: word('series', key) }));
  const fixed = (group: string, keys: readonly string[], counts: Record<string, number>) => [
    ...keys.map((key) => ({ key, label: word(group, key), values: [counts[key] ?? 0] })),
    // A value outside the known ones (an older category) still shows: the total must add up.
    ...Object.keys(counts).filter((k) => !keys.includes(k)).sort().map((key) => ({ key, label: word(group, key), values: [counts[key]] })),
  ];
  const chart = (id: ChartId, rowHeader: string, s: ReportChart['series'], rows: ReportChart['rows']): ReportChart =>
    ({ id, title: word('title', id), rowHeader: word('rowHeader', rowHeader), series: s, rows });
  return [
    chart('category', 'category', series('comments'), fixed('category', CATEGORIES, r.comments.byCategory)),
    chart('sentiment', 'sentiment', series('comments'), fixed('sentiment', ['negative', 'neutral', 'positive'], r.comments.bySentiment)),
    chart('status', 'status', series('comments'), fixed('status', COMMENT_STATUSES, r.comments.byStatus)),
    chart('comments_by_day', 'day', series('comments', 'urgent'),
      r.comments.byDay.map((d) => ({ key: d.date, label: formatShortDate(d.date, lng), values: [d.count, d.urgent] }))),
    chart('absences', 'class', series('absences'), r.absences.perClass.map((c) => ({ key: c.classId, label: c.name, values: [c.count] }))),
    chart('intents', 'intent', series('questions'), r.questions.topIntents.map((i) => ({ key: i.intent, label: word('intent', i.intent), values: [i.count] }))),
    chart('questions_by_day', 'day', series('asked', 'unanswered'),
      r.questions.byDay.map((d) => ({ key: d.date, label: formatShortDate(d.date, lng), values: [d.asked, d.unanswered] }))),
  ];
}

/** One chart as a spreadsheet: the code, the label and one column per series, as in its table.
 *  A byte-order mark first, so that Excel reads the Vietnamese as UTF-8. */
export function chartToCsv(c: ReportChart, lng: Locale): string {
  const L = labelsFor(lng);
  const header = [L.rowHeader?.key ?? 'key', c.rowHeader, ...c.series.map((s) => s.label)];
  const lines = [header, ...c.rows.map((r) => [r.key, r.label, ...r.values])].map((row) => row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The whole report as a spreadsheet a person reads, in their language: the summary, then each
 *  chart's table as the screen shows it, then (the school's version) the questions left unanswered. */
export function reportToCsv(r: Report, charts: ReportChart[], lng: Locale): string {
  const S = labelsFor(lng).screen;
  const hours = (n: number | null) => (n === null ? '' : Math.round(n * 10) / 10);
  const rows: (string | number)[][] = [
    [S.summaryTitle, `${r.period.from} – ${r.period.to}`],
    [S.comments, r.comments.total], [S.urgent, r.comments.urgent], [S.answered, r.comments.answered],
    [S.overdue, r.comments.overdue], [S.inTime, `${r.comments.answeredInTime}/${r.comments.dueOrAnswered}`],
    [`${S.median} (h)`, hours(r.comments.medianHoursToFirstAnswer)], [`${S.p90} (h)`, hours(r.comments.p90HoursToFirstAnswer)],
    [S.absences, r.absences.total], [S.questions, r.questions.total], [S.unansweredCount, r.questions.unansweredCount],
  ];
  for (const c of charts) {
    rows.push([], [c.title], [labelsFor(lng).rowHeader?.key ?? 'key', c.rowHeader, ...c.series.map((s) => s.label)]);
    for (const row of c.rows) rows.push([row.key, row.label, ...row.values]);
  }
  if (r.questions.unanswered?.length) {
    rows.push([], [S.unansweredList], [S.text, S.count]);
    for (const q of r.questions.unanswered) rows.push([q.text, q.count]);
  }
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

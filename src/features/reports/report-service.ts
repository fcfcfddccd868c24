// Periodic reports: comments by category, sentiment and status, time to first answer, overdue
// ones, absences per class, the bot's most asked and unanswered questions. The commune version
// (the plan's periodic report to the commune office) has counts only and no personal data.
import type { Store } from '../../store/types.ts';
import { addDays, mondayOf, lastDayOfMonth, todayIn, zonedTime, type IsoDate } from '../../core/dates.ts';
import type { SchoolService } from '../../school/school-service.ts';
import { detectSpikes, type Spike } from './trends.ts';
import { maskPhonesInText } from '../../logger.ts';

export type Period = 'week' | 'month';

export interface Report {
  school: string;
  period: { kind: Period; from: IsoDate; to: IsoDate };
  comments: {
    total: number;
    byCategory: Record<string, number>;
    bySentiment: Record<string, number>;
    byStatus: Record<string, number>;
    urgent: number;
    answered: number;
    medianHoursToFirstAnswer: number | null;
    /** 90 % of first answers came within this many hours (nearest rank). */
    p90HoursToFirstAnswer: number | null;
    /** First answers given by the comment's due time, out of the comments answered or already due. */
    answeredInTime: number;
    dueOrAnswered: number;
    overdue: number;
    /** Per day of the period, in the school's time zone. */
    byDay: { date: IsoDate; count: number; urgent: number }[];
  };
  /** The urgent comments themselves (the school's version only): what to click through to. */
  urgentComments?: { id: number; code: string; createdAt: string; category: string; status: string; firstResponseAt: string | null; dueAt: string }[];
  absences: { total: number; byClass: Record<string, number>; perClass: { classId: string; name: string; count: number }[] };
  questions: {
    total: number; unansweredCount: number; topIntents: { intent: string; count: number }[]; unanswered?: { text: string; count: number }[];
    byDay: { date: IsoDate; asked: number; unanswered: number }[];
  };
}

const count = <T>(items: T[], key: (t: T) => string) =>
  items.reduce<Record<string, number>>((acc, t) => ((acc[key(t)] = (acc[key(t)] ?? 0) + 1), acc), {});
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

/** The median of sorted numbers: the middle one, or the mean of the two middle ones. */
export function median(sorted: number[]): number | null {
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The nearest-rank percentile of sorted numbers: the smallest value with at least p % at or below it. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The days of a period, their first instants in the time zone then the period's end (`starts`),
 *  and `dayOf`, the day of an instant. */
function daysOf(range: { from: IsoDate; to: IsoDate }, timeZone: string) {
  const days: IsoDate[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) days.push(d);
  // Each day's midnight in the zone: from the first one and the zone's offset, unless the offset
  // changes within the period (daylight saving), then day by day (formatting a date costs ~0.1 ms).
  const bounds = [...days, addDays(range.to, 1)];
  const first = zonedTime(bounds[0], 0, 0, timeZone).getTime();
  const last = zonedTime(bounds[bounds.length - 1], 0, 0, timeZone).getTime();
  const steady = last - first === (bounds.length - 1) * 86_400_000;
  // ISO instants compare as strings (as the store's own range queries do): no parsing per item.
  const starts = bounds.map((d, i) => (steady ? new Date(first + i * 86_400_000) : zonedTime(d, 0, 0, timeZone)).toISOString());
  const dayOf = (at: string): number => {
    let lo = 0, hi = days.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  return { days, starts, dayOf };
}

export class ReportService {
  constructor(private readonly deps: { store: Store; school: SchoolService; timeZone: string; clock: () => Date }) {}

  /** The full week (Monday–Sunday) or month that contains `date`. */
  periodOf(kind: Period, date: IsoDate): { from: IsoDate; to: IsoDate } {
    if (kind === 'week') {
      const from = mondayOf(date);
      return { from, to: addDays(from, 6) };
    }
    const [y, m] = date.split('-').map(Number);
    return { from: `${date.slice(0, 7)}-01`, to: lastDayOfMonth(y, m) };
  }

  /** The period before the one containing today (what Monday's and the 1st's reports cover). */
  previous(kind: Period): { from: IsoDate; to: IsoDate } {
    const today = todayIn(this.deps.timeZone, this.deps.clock());
    const current = this.periodOf(kind, today);
    return this.periodOf(kind, addDays(current.from, -1));
  }

  async build(kind: Period, range: { from: IsoDate; to: IsoDate }, audience: 'school' | 'commune' = 'school'): Promise<Report> {
    const { store, school, timeZone } = this.deps;
    const { days, starts, dayOf } = daysOf(range, timeZone);
    const [since, until] = [starts[0], starts[starts.length - 1]];
    const now = this.deps.clock().toISOString();
    const counted = await store.comments.countsFor(starts, now);
    const hours = counted.hoursToFirstAnswer;
    const sumBy = (key: 'category' | 'sentiment' | 'status') =>
      counted.groups.reduce<Record<string, number>>((acc, g) => ((acc[g[key]] = (acc[g[key]] ?? 0) + g.count), acc), {});
    const absences = await store.absences.list({ from: range.from, to: range.to });
    // Questions are the messages that asked something, not every form step, button or link code.
    const questions = await store.transcript.questions(starts);
    const unanswered = questions.unanswered.filter((t) => t.text.trim());
    const commentsByDay = days.map((date, i) => ({ date, ...counted.perDay[i] }));
    const questionsByDay = days.map((date, i) => ({ date, asked: questions.askedPerDay[i], unanswered: 0 }));
    for (const q of unanswered) questionsByDay[dayOf(q.at)].unanswered++;
    const classes = school.get('classes');
    const className = (id: string) => classes.find((c) => c.id === id)?.name ?? id;
    const absencesPerClass = count(absences, (a) => a.classId);
    const known = new Set(classes.map((c) => c.id));
    const perClass = [
      ...classes.map((c) => ({ classId: c.id, name: c.name, count: absencesPerClass[c.id] ?? 0 })),
      // A class since removed from the school data still counts, under its id.
      ...Object.keys(absencesPerClass).filter((id) => !known.has(id)).sort().map((id) => ({ classId: id, name: id, count: absencesPerClass[id] })),
    ];
    const report: Report = {
      school: school.get('profile').name,
      period: { kind, ...range },
      comments: {
        total: counted.perDay.reduce((n, d) => n + d.count, 0),
        byCategory: sumBy('category'),
        bySentiment: sumBy('sentiment'),
        byStatus: sumBy('status'),
        urgent: counted.urgent.length,
        answered: hours.length,
        medianHoursToFirstAnswer: hours.length ? oneDecimal(median(hours)!) : null,
        p90HoursToFirstAnswer: hours.length ? oneDecimal(percentile(hours, 90)!) : null,
        answeredInTime: counted.answeredInTime,
        dueOrAnswered: counted.dueOrAnswered,
        overdue: counted.overdue,
        byDay: commentsByDay,
      },
      absences: { total: absences.length, byClass: count(absences, (a) => className(a.classId)), perClass },
      questions: {
        total: questions.askedPerDay.reduce((n, d) => n + d, 0),
        unansweredCount: unanswered.length,
        topIntents: await store.transcript.topIntents(since, until, 10),
        byDay: questionsByDay,
      },
    };
    if (audience === 'school') {
      report.urgentComments = counted.urgent;
      const byText = count(unanswered, (t) => t.text.trim().toLowerCase());
      report.questions.unanswered = Object.entries(byText).map(([text, n]) => ({ text, count: n })).sort((a, b) => b.count - a.count).slice(0, 20);
    }
    return report;
  }

  /** Negative comments per category: the last 7 days against the 8 weeks before. */
  async spikes(): Promise<{ spikes: Spike[]; examples: Record<string, string[]>; quoted: Record<string, string[]> }> {
    const now = this.deps.clock().getTime();
    const day = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const negative = (await this.deps.store.comments.list({ since: iso(now - 63 * day), until: iso(now + 1), limit: 100_000 }))
      .filter((c) => c.sentiment === 'negative');
    const lastWeek: Record<string, number> = {};
    const baseline: Record<string, number[]> = {};
    const examples: Record<string, string[]> = {};
    /** The parents the examples quote, by category. */
    const quoted: Record<string, string[]> = {};
    for (const c of negative) {
      const age = Math.floor((now - Date.parse(c.createdAt)) / (7 * day));
      if (age === 0) {
        lastWeek[c.category] = (lastWeek[c.category] ?? 0) + 1;
        if ((examples[c.category] ??= []).length < 3) {
          examples[c.category].push(`${c.code}: ${maskPhonesInText(c.text).slice(0, 120).replace(/»/g, '"')}`);
          if (c.contactId) (quoted[c.category] ??= []).push(c.contactId);
        }
      } else if (age <= 8) {
        (baseline[c.category] ??= Array(8).fill(0))[age - 1]++;
      }
    }
    return { spikes: detectSpikes(lastWeek, baseline), examples, quoted };
  }
}

/** One spreadsheet cell. A spreadsheet runs a cell that starts with = + - @ (or a tab or CR
 *  before one) as a formula: a parent's "=HYPERLINK(…)" must stay text. */
export function csvCell(v: string | number): string {
  const text = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A short chat message for the principal from a report. */
export function reportSummary(r: Report): string {
  const cats = Object.entries(r.comments.byCategory).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `📊 Báo cáo ${r.period.kind === 'week' ? 'tuần' : 'tháng'} ${r.period.from} – ${r.period.to}`,
    `Phản ánh: ${r.comments.total} (khẩn ${r.comments.urgent}, quá hạn ${r.comments.overdue})${cats ? ` — ${cats}` : ''}`,
    `Thời gian trả lời đầu tiên (trung vị): ${r.comments.medianHoursToFirstAnswer ?? '–'} giờ`,
    `Báo nghỉ: ${r.absences.total}`,
    `Câu hỏi tới bot: ${r.questions.total}, chưa trả lời được: ${r.questions.unansweredCount}`,
  ].join('\n');
}

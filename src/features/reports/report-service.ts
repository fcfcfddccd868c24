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
    overdue: number;
  };
  absences: { total: number; byClass: Record<string, number> };
  questions: { total: number; unansweredCount: number; topIntents: { intent: string; count: number }[]; unanswered?: { text: string; count: number }[] };
}

const count = <T>(items: T[], key: (t: T) => string) =>
  items.reduce<Record<string, number>>((acc, t) => ((acc[key(t)] = (acc[key(t)] ?? 0) + 1), acc), {});

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
    const since = zonedTime(range.from, 0, 0, timeZone).toISOString();
    const until = zonedTime(addDays(range.to, 1), 0, 0, timeZone).toISOString();
    const comments = await store.comments.list({ since, until, limit: 100_000 });
    const hours = comments.filter((c) => c.firstResponseAt)
      .map((c) => (Date.parse(c.firstResponseAt!) - Date.parse(c.createdAt)) / 3_600_000).sort((a, b) => a - b);
    const now = this.deps.clock().toISOString();
    const absences = await store.absences.list({ from: range.from, to: range.to });
    const className = (id: string) => school.get('classes').find((c) => c.id === id)?.name ?? id;
    const turns = await store.transcript.list({ since, until, limit: 1_000_000 });
    // Questions are the messages that asked something, not every form step, button or link code.
    const questions = turns.filter((t) => t.asked);
    const unanswered = questions.filter((t) => !t.answered && t.text.trim());
    const report: Report = {
      school: school.get('profile').name,
      period: { kind, ...range },
      comments: {
        total: comments.length,
        byCategory: count(comments, (c) => c.category),
        bySentiment: count(comments, (c) => c.sentiment),
        byStatus: count(comments, (c) => c.status),
        urgent: comments.filter((c) => c.severity === 'urgent').length,
        answered: hours.length,
        medianHoursToFirstAnswer: hours.length ? Math.round(hours[Math.floor((hours.length - 1) / 2)] * 10) / 10 : null,
        overdue: comments.filter((c) => !c.firstResponseAt && c.dueAt < now && c.status !== 'closed').length,
      },
      absences: { total: absences.length, byClass: count(absences, (a) => className(a.classId)) },
      questions: {
        total: questions.length,
        unansweredCount: unanswered.length,
        topIntents: await store.transcript.topIntents(since, until, 10),
      },
    };
    if (audience === 'school') {
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

/** Flat rows for a spreadsheet: section, key, value. */
export function reportToCsv(r: Report): string {
  const rows: [string, string, string | number][] = [
    ['period', 'from', r.period.from], ['period', 'to', r.period.to],
    ['comments', 'total', r.comments.total], ['comments', 'urgent', r.comments.urgent], ['comments', 'answered', r.comments.answered],
    ['comments', 'median_hours_to_first_answer', r.comments.medianHoursToFirstAnswer ?? ''], ['comments', 'overdue', r.comments.overdue],
    ...Object.entries(r.comments.byCategory).map(([k, v]) => ['comments_by_category', k, v] as [string, string, number]),
    ...Object.entries(r.comments.bySentiment).map(([k, v]) => ['comments_by_sentiment', k, v] as [string, string, number]),
    ...Object.entries(r.comments.byStatus).map(([k, v]) => ['comments_by_status', k, v] as [string, string, number]),
    ['absences', 'total', r.absences.total],
    ...Object.entries(r.absences.byClass).map(([k, v]) => ['absences_by_class', k, v] as [string, string, number]),
    ['questions', 'total', r.questions.total], ['questions', 'unanswered', r.questions.unansweredCount],
    ...r.questions.topIntents.map((t) => ['top_intents', t.intent, t.count] as [string, string, number]),
    ...(r.questions.unanswered ?? []).map((q) => ['unanswered_questions', q.text, q.count] as [string, string, number]),
  ];
  const cell = (v: string | number) => {
    // A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a formula:
    // a parent's "=HYPERLINK(…)" must stay text.
    const text = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return ['section,key,value', ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
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

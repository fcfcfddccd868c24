// The reports screen's API: median and p90 time to first answer, the share answered in time,
// per-day series in the school's time zone, absences per class, and each chart's CSV carrying
// exactly the chart's rows, in the reader's language. Comments are stored with known times so
// that every figure can be worked out by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoa, type TestLoa } from '../helpers.ts';
import { userWithToken, withToken } from './console-helpers.ts';
import type { Comment } from '../../src/store/types.ts';
import { median, percentile } from '../../src/features/reports/report-service.ts';

const HOUR = 3_600_000;

describe('reports: figures, series and chart CSVs', () => {
  let loa: TestLoa;
  beforeEach(async () => { loa = await startLoa(); });
  afterEach(async () => { await loa.close(); });

  /** A comment created at `at`, due `dueH` hours later, first answered `answerH` hours later (or never). */
  const stored = (at: string, over: Partial<Comment> & { answerH?: number; dueH?: number } = {}) => {
    const created = Date.parse(at);
    const { answerH, dueH = 48, ...rest } = over;
    return loa.store.comments.create({
      createdAt: new Date(created).toISOString(), contactId: null, ref: null, displayName: null, classId: 'la-a1', text: 'cơm nguội',
      category: 'meals', sentiment: 'negative', severity: 'normal', anonymous: false, status: 'acknowledged', assignedTo: null,
      firstResponseAt: answerH === undefined ? null : new Date(created + answerH * HOUR).toISOString(),
      dueAt: new Date(created + dueH * HOUR).toISOString(), remindedAt: null, ...rest,
    });
  };

  it('computes median, p90 and the share answered in time as a person would by hand', () => {
    expect(median([])).toBeNull();
    expect(median([1, 3])).toBe(2); // the mean of the two middle values, not the lower one
    expect(median([1, 2, 9])).toBe(2);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 90)).toBe(9);
    expect(percentile([...ten, 11], 90)).toBe(10);
    expect(percentile([4], 90)).toBe(4);
  });

  it('reports a week with per-day series, in-time share and per-class absences; each chart CSV matches its rows', async () => {
    // Week of Monday 23 Nov 2026 (Hanoi, UTC+7).
    await stored('2026-11-23T02:00:00Z', { answerH: 1 });                                          // Mon, in time
    await stored('2026-11-24T16:30:00Z', { answerH: 3, category: 'hygiene', sentiment: 'neutral' }); // Tue 23:30 local
    await stored('2026-11-24T17:30:00Z', { answerH: 60, status: 'resolved' });                     // Wed 00:30 local, late
    await stored('2026-11-26T03:00:00Z', { severity: 'urgent', category: 'safety', dueH: 1 });      // Thu, urgent, never answered, overdue
    await stored('2026-11-29T16:59:00Z', { category: 'fees', sentiment: 'positive', status: 'new', dueH: 200 }); // Sun 23:59, not due yet
    await stored('2026-11-29T17:00:00Z', { answerH: 1 });                                          // Mon 30 Nov: next week
    await loa.store.absences.create({ createdAt: '2026-11-24T01:00:00Z', contactId: null, childName: 'Na', classId: 'la-a1', fromDate: '2026-11-24', toDate: '2026-11-25', reason: 'ốm' });
    await loa.store.absences.create({ createdAt: '2026-11-24T01:00:00Z', contactId: null, childName: 'Bin', classId: 'la-a2', fromDate: '2026-11-27', toDate: '2026-11-27', reason: null });
    await loa.store.absences.create({ createdAt: '2026-11-24T01:00:00Z', contactId: null, childName: 'Tí', classId: 'la-a1', fromDate: '2026-11-20', toDate: '2026-11-20', reason: null }); // the week before
    const turn = { conversationKey: 'k', channel: 'webchat' as const, contactId: null, locale: 'vi' as const, confidence: 0.9, latencyMs: 3, replies: [] };
    await loa.store.transcript.append({ ...turn, at: '2026-11-25T03:00:00Z', text: 'học phí bao nhiêu', intent: 'fees', handler: 'fees', answered: true, asked: true });
    await loa.store.transcript.append({ ...turn, at: '2026-11-25T04:00:00Z', text: 'có bể bơi không', intent: 'none', handler: 'fallback', answered: false, asked: true });
    await loa.store.transcript.append({ ...turn, at: '2026-11-25T05:00:00Z', text: 'Lá A1', intent: 'absence', handler: 'absence:step', answered: true, asked: false });
    loa.clockAt('2026-12-01T01:00:00Z');

    const res = await loa.admin().get('/api/admin/reports/week?date=2026-11-26');
    expect(res.status).toBe(200);
    const { report, charts } = res.body;
    expect(report.comments).toMatchObject({
      total: 5, urgent: 1, answered: 3,
      medianHoursToFirstAnswer: 3, p90HoursToFirstAnswer: 60,
      answeredInTime: 2, dueOrAnswered: 4, // the Sunday comment is neither answered nor due yet
      overdue: 1,
    });
    expect(report.comments.byDay.map((d: { count: number }) => d.count)).toEqual([1, 1, 1, 1, 0, 0, 1]);
    expect(report.comments.byDay[3]).toEqual({ date: '2026-11-26', count: 1, urgent: 1 });
    expect(report.urgentComments).toEqual([expect.objectContaining({ code: 'PA-0004', category: 'safety', firstResponseAt: null })]);
    expect(report.absences.total).toBe(2);
    expect(report.absences.perClass.filter((c: { count: number }) => c.count)).toEqual([
      { classId: 'la-a1', name: 'Lá A1', count: 1 }, { classId: 'la-a2', name: 'Lá A2', count: 1 },
    ]);
    expect(report.questions.total).toBe(2); // the form step asked nothing
    expect(report.questions.byDay[2]).toEqual({ date: '2026-11-25', asked: 2, unanswered: 1 });

    const category = charts.find((c: { id: string }) => c.id === 'category');
    expect(category.title).toBe('Phản ánh theo nhóm');
    const rows = Object.fromEntries(category.rows.map((r: { key: string; values: number[] }) => [r.key, r.values[0]]));
    expect(rows).toMatchObject({ meals: 2, hygiene: 1, safety: 1, fees: 1, teacher_conduct: 0 });
    // Every chart's bars add up to the report's totals.
    const sum = (id: string, i = 0) => charts.find((c: { id: string }) => c.id === id).rows.reduce((n: number, r: { values: number[] }) => n + r.values[i], 0);
    expect([sum('category'), sum('sentiment'), sum('status'), sum('comments_by_day')]).toEqual([5, 5, 5, 5]);
    expect(sum('comments_by_day', 1)).toBe(1);
    expect(sum('absences')).toBe(2);
    expect([sum('questions_by_day'), sum('questions_by_day', 1)]).toEqual([2, 1]);

    // The category chart's CSV: the same rows, the labels in the asked language.
    const csv = await loa.admin().get('/api/admin/reports/week?date=2026-11-26&format=csv&chart=category&lang=en');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toContain('loa-week-2026-11-23-category.csv');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Code,Category,Comments');
    expect(lines.slice(1)).toEqual(category.rows.map((r: { key: string; values: number[] }) => `${r.key},${({ meals: 'Meals', safety: '"Safety, injuries"', teacher_conduct: 'Teacher conduct', hygiene: 'Hygiene', facilities: 'Facilities', fees: 'Fees', communication: 'Communication', other: 'Other' } as Record<string, string>)[r.key]},${r.values[0]}`));
    const vi = await loa.admin().get('/api/admin/reports/week?date=2026-11-26&format=csv&chart=questions_by_day');
    expect(vi.text.replace(/^\uFEFF/, '').split('\r\n').slice(0, 4)).toEqual(['Mã,Ngày,Câu hỏi,Chưa trả lời', '2026-11-23,23/11,0,0', '2026-11-24,24/11,0,0', '2026-11-25,25/11,2,1']);
    expect((await loa.admin().get('/api/admin/reports/week?format=csv&chart=nope')).status).toBe(400);

    // The commune's version: counts, no list of urgent comments.
    const commune = (await loa.admin().get('/api/admin/reports/week?date=2026-11-26&audience=commune')).body;
    expect(commune.report.urgentComments).toBeUndefined();
    expect(commune.report.comments.total).toBe(5);

    // A teacher reads the report too, in its counts-only version whatever she asks.
    const teacher = await userWithToken(loa, { name: 'Cô Thu', role: 'staff', classIds: ['la-a1'] });
    const hers = await withToken(loa, teacher.token).get('/api/admin/reports/week?date=2026-11-26&audience=school');
    expect(hers.status).toBe(200);
    expect(hers.body.report.urgentComments).toBeUndefined();
    expect(hers.body.report.comments.total).toBe(5);
  });

  it('counts a month whole, day by day', async () => {
    await stored('2026-10-31T17:00:00Z'); // 1 Nov 00:00 local
    await stored('2026-11-30T16:59:59Z'); // 30 Nov 23:59 local
    await stored('2026-11-30T17:00:00Z'); // 1 Dec: not November
    const { report, charts } = (await loa.admin().get('/api/admin/reports/month?date=2026-11-15')).body;
    expect(report.period).toEqual({ kind: 'month', from: '2026-11-01', to: '2026-11-30' });
    expect(report.comments.total).toBe(2);
    expect(report.comments.byDay).toHaveLength(30);
    expect(report.comments.byDay[0].count).toBe(1);
    expect(report.comments.byDay[29].count).toBe(1);
    expect(charts.find((c: { id: string }) => c.id === 'comments_by_day').rows).toHaveLength(30);
    expect(report.comments.medianHoursToFirstAnswer).toBeNull();
    expect(report.comments.p90HoursToFirstAnswer).toBeNull();
  });
});

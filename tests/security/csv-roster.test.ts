// Finding 10: a report CSV carried a parent's =HYPERLINK(...) as a live spreadsheet formula.
// Finding 11: a roster import linked "Anh Tuân" to the chat user "Anh Tuấn" (names compared
// without diacritics), and "Chị Liễn" to "Chị Liên": a wrong family subscribed, consent recorded.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoa, tempDir, type TestLoa } from '../helpers.ts';
import { chartToCsv, reportCharts, reportToCsv } from '../../src/features/reports/report-charts.ts';
import type { Report } from '../../src/features/reports/report-service.ts';
import { importRoster } from '../../src/features/broadcasts/roster.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

describe('report CSV', () => {
  let loa: TestLoa;
  afterEach(async () => loa?.close());

  it("neutralises a parent's formula in the unanswered questions", async () => {
    loa = await startLoa();
    await loa.chat('kẻ gian', '=HYPERLINK("http://evil.example/x","zzqx")');
    const res = await loa.admin().get('/api/admin/reports/week?date=2026-11-26&format=csv');
    expect(res.status).toBe(200);
    const line = res.text.split('\r\n').find((l) => /hyperlink/i.test(l));
    expect(line).toBeDefined();
    expect(line).toMatch(/^"'=hyperlink/i);
    for (const cell of res.text.split('\r\n').flatMap((l) => l.split(','))) expect(cell).not.toMatch(/^"?[=+\-@\t\r]/);
  });

  it('neutralises every cell that starts with = + - @, a tab or a carriage return', () => {
    const report: Report = {
      school: 's', period: { kind: 'week', from: '2026-11-23', to: '2026-11-29' },
      comments: { total: 0, byCategory: { '+SUM(A1)': 1, '-2+3': 1, '@cmd': 1 }, bySentiment: {}, byStatus: {}, urgent: 0, answered: 0, medianHoursToFirstAnswer: null,
        p90HoursToFirstAnswer: null, answeredInTime: 0, dueOrAnswered: 0, overdue: 0, byDay: [] },
      absences: { total: 1, byClass: { '\t=1+1': 1, '\r=1': 1 }, perClass: [{ classId: '=cls', name: '@Lá A1', count: 1 }] },
      questions: { total: 0, unansweredCount: 0, topIntents: [], unanswered: [{ text: '=1+1', count: 2 }, { text: 'học phí -5%?', count: 1 }], byDay: [] },
    };
    const csv = reportToCsv(report, reportCharts(report, 'vi'), 'vi');
    expect(csv).toContain("'+SUM(A1),'+SUM(A1),1");
    expect(csv).toContain("'-2+3,'-2+3,1");
    expect(csv).toContain("'@cmd,'@cmd,1");
    expect(csv).toContain("'=cls,'@Lá A1,1");
    expect(csv).toContain("\r\n'=1+1,2\r\n");
    expect(csv).toContain('\r\nhọc phí -5%?,1\r\n'); // a minus inside a cell is left alone
    for (const cell of csv.split('\r\n').flatMap((l) => l.split(','))) expect(cell).not.toMatch(/^"?[=+\-@\t\r]/);
    // A chart's own CSV goes through the same cell rule.
    const absences = reportCharts(report, 'vi').find((c) => c.id === 'absences')!;
    expect(chartToCsv(absences, 'vi')).toContain("'=cls,'@Lá A1,1");
  });
});

describe('roster matching', () => {
  const ref = (userId: string) => ({ channel: 'messenger' as const, accountId: 'page', userId, threadId: userId, threadType: 'user' as const });

  it('never pairs names that differ by a diacritic, and matches the same name however it is encoded', async () => {
    const store = openSqliteStore(path.join(tempDir(), 'loa.db'));
    try {
      const tuan = await store.contacts.touch(ref('p1'), '2026-11-26T01:00:00Z', 'Anh Tuấn');
      await store.contacts.touch(ref('p2'), '2026-11-26T01:00:00Z', 'Chị Liên');
      const hoa = await store.contacts.touch(ref('p3'), '2026-11-26T01:00:00Z', 'Chị Hòa');
      const nfd = 'anh  tuấn'.normalize('NFD');
      const csv = `parent_name\nAnh Tuân\nChị Liễn\n${nfd}\n${'Chị Hòa'.normalize('NFD')}\n`;
      const result = await importRoster(store, 'la-a1', csv, '2026-11-26T02:00:00Z');
      expect(result.unmatched.map((u) => u.parent)).toEqual(['Anh Tuân', 'Chị Liễn']);
      expect(result.linked.map((l) => l.contactId)).toEqual([tuan.id, hoa.id]);
      expect((await store.subscriptions.list({ groupId: 'la-a1' })).map((s) => s.contactId).sort()).toEqual([tuan.id, hoa.id].sort());
    } finally {
      await store.close();
    }
  });
});

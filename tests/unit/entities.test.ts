import { describe, expect, it } from 'vitest';
import { extractDate, extractClasses, extractChildName } from '../../src/nlu/entities.ts';
import { todayIn } from '../../src/core/dates.ts';

const CLASSES = [
  { id: 'la-a1', name: 'Lá A1' }, { id: 'la-a2', name: 'Lá A2' },
  { id: 'choi-b1', name: 'Chồi B1' }, { id: 'choi-b2', name: 'Chồi B2' }, { id: 'mam-c1', name: 'Mầm C1' },
];
const day = (text: string, today: string) => {
  const d = extractDate(text, today);
  return d?.kind === 'day' ? d.date : d;
};

describe('dates', () => {
  it('resolves today in the school time zone, not UTC', () => {
    // 23:30 UTC on the 25th is already the 26th in Hanoi.
    expect(todayIn('Asia/Ho_Chi_Minh', new Date('2026-11-25T23:30:00Z'))).toBe('2026-11-26');
    expect(todayIn('UTC', new Date('2026-11-25T23:30:00Z'))).toBe('2026-11-25');
  });

  it('understands relative days', () => {
    expect(day('hôm nay ăn gì', '2026-11-26')).toBe('2026-11-26');
    expect(day('mai có học không', '2026-11-26')).toBe('2026-11-27');
    expect(day('ngày kia', '2026-11-26')).toBe('2026-11-28');
    expect(day('What is on the menu tomorrow?', '2026-11-26')).toBe('2026-11-27');
  });

  it('crosses month and year ends', () => {
    expect(day('ngày mai', '2026-11-30')).toBe('2026-12-01');
    expect(day('mai', '2026-12-31')).toBe('2027-01-01');
    expect(day('ngày kia', '2027-02-27')).toBe('2027-03-01');
    expect(day('thứ 2 tuần sau', '2026-12-30')).toBe('2027-01-04');
  });

  it('resolves weekdays within and across weeks (weeks start on Monday)', () => {
    // Thursday 26/11/2026
    expect(day('thứ 6 ăn gì', '2026-11-26')).toBe('2026-11-27');
    expect(day('t6 an gi', '2026-11-26')).toBe('2026-11-27');
    expect(day('thứ 2 có học không', '2026-11-26')).toBe('2026-11-30'); // Monday already passed: next one
    expect(day('thu 2 tuan sau co hoc k', '2026-11-26')).toBe('2026-11-30');
    expect(day('thứ 5 tuần sau', '2026-11-26')).toBe('2026-12-03');
    expect(day('thứ 3 tuần trước', '2026-11-26')).toBe('2026-11-17');
    expect(day('chủ nhật', '2026-11-26')).toBe('2026-11-29');
    expect(day('next monday', '2026-11-26')).toBe('2026-11-30');
    // On a Sunday, "thứ 2 tuần sau" is the next day.
    expect(day('thứ 2 tuần sau', '2026-11-29')).toBe('2026-11-30');
  });

  it('reads explicit dates forward (a day of the last week stays in the past), and "năm sau" moves a year', () => {
    expect(day('20/11 có nghỉ không', '2026-11-26')).toBe('2026-11-20');
    expect(day('5/1', '2026-12-20')).toBe('2027-01-05');
    expect(day('ngày 2 tháng 9', '2026-11-26')).toBe('2027-09-02');
    expect(day('2/9 có nghỉ không', '2026-12-01')).toBe('2027-09-02');
    expect(day('ngay 15/6 co hoc ko', '2026-12-01')).toBe('2027-06-15');
    expect(day('20/11 năm sau', '2026-11-26')).toBe('2027-11-20');
    expect(day('1/1/2027', '2026-11-26')).toBe('2027-01-01');
  });

  it('reads English dates', () => {
    expect(day('is there school on 24 December?', '2026-12-01')).toBe('2026-12-24');
    expect(day('Dec 24th', '2026-12-01')).toBe('2026-12-24');
    expect(day('the 3rd of January', '2026-12-01')).toBe('2027-01-03');
    expect(day('thứ 5 mấy giờ đón', '2026-12-01')).toBe('2026-12-03'); // "mấy" folds to "may", never the month
  });

  it('resolves a range of weekdays forward from its first day', () => {
    expect(extractDate('nghi tu thu 2 den thu 4', '2026-12-01')).toMatchObject({ kind: 'range', from: '2026-12-07', to: '2026-12-09' });
    expect(extractDate('thứ 2 đến thứ 4', '2026-11-26')).toMatchObject({ kind: 'range', from: '2026-11-30', to: '2026-12-02' });
  });

  it('flags dates that do not exist', () => {
    expect(extractDate('31/2 có học không', '2026-11-26')).toEqual({ kind: 'invalid', text: '31/2' });
    expect(extractDate('30/2', '2026-11-26')?.kind).toBe('invalid');
    expect(extractDate('29/2/2028', '2026-11-26')).toMatchObject({ kind: 'day', date: '2028-02-29' });
  });

  it('understands weeks, months and spans', () => {
    expect(extractDate('thực đơn tuần này', '2026-11-26')).toMatchObject({ kind: 'range', from: '2026-11-23', to: '2026-11-29', unit: 'week' });
    expect(extractDate('tuần sau', '2026-12-31')).toMatchObject({ from: '2027-01-04', to: '2027-01-10' });
    expect(extractDate('tháng 12', '2026-11-26')).toMatchObject({ from: '2026-12-01', to: '2026-12-31', unit: 'month' });
    expect(extractDate('tháng 1', '2026-11-26')).toMatchObject({ from: '2027-01-01', to: '2027-01-31' });
    expect(extractDate('tháng 2', '2027-01-10')).toMatchObject({ from: '2027-02-01', to: '2027-02-28' });
    expect(extractDate('cho con nghỉ từ thứ 2 đến thứ 4', '2026-11-26')).toMatchObject({ kind: 'range', from: '2026-11-30', to: '2026-12-02', unit: 'span' });
  });

  it('does not take a person called Mai for tomorrow', () => {
    expect(extractDate('cô Mai ơi', '2026-11-26')).toBeNull();
    expect(extractDate('bé 18 tháng tuổi', '2026-11-26')).toBeNull();
  });
});

describe('classes and names', () => {
  it('finds a class by its name, with or without diacritics and "lớp"', () => {
    expect(extractClasses('xin nghỉ cho bé lớp Lá A1', CLASSES)).toEqual([{ id: 'la-a1', name: 'Lá A1' }]);
    expect(extractClasses('lop la a2', CLASSES)).toEqual([{ id: 'la-a2', name: 'Lá A2' }]);
    expect(extractClasses('mam c1', CLASSES)).toEqual([{ id: 'mam-c1', name: 'Mầm C1' }]);
  });

  it('returns every candidate when the class is ambiguous', () => {
    expect(extractClasses('con học chồi b', CLASSES).map((c) => c.id)).toEqual(['choi-b1', 'choi-b2']);
  });

  it('does not see a class in "mầm non" or "chơi"', () => {
    expect(extractClasses('trường mầm non', CLASSES)).toEqual([]);
    expect(extractClasses('các con chơi ngoài trời', CLASSES)).toEqual([]);
  });

  it('takes a child\'s name only when written with a capital', () => {
    expect(extractChildName('xin nghỉ phép cho bé Na lớp Lá A1')).toBe('Na');
    expect(extractChildName('cháu Minh Anh bị sốt')).toBe('Minh Anh');
    expect(extractChildName('My son Bao is sick')).toBe('Bao');
    expect(extractChildName('cho con nghỉ hôm nay')).toBeNull();
  });
});

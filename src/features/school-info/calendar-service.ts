// What the school calendar says about a day: school, weekend, holiday, or outside the year.
import { addDays, weekday, type IsoDate } from '../../core/dates.ts';
import type { Meal, SchoolData } from '../../school/school-schema.ts';
import { normalise } from '../../nlu/normalise.ts';

type Calendar = SchoolData['calendar'];
type Holiday = Calendar['holidays'][number];

export type DayStatus =
  | { kind: 'school' }
  | { kind: 'weekend' }
  | { kind: 'holiday'; holiday: Holiday }
  | { kind: 'outside_year' };

export function dayStatus(calendar: Calendar, date: IsoDate): DayStatus {
  const holiday = calendar.holidays.find((h) => h.from <= date && date <= h.to);
  if (holiday) return { kind: 'holiday', holiday };
  if (date < calendar.schoolYear.start || date > calendar.schoolYear.end) return { kind: 'outside_year' };
  if (!calendar.schoolDays.includes(weekday(date))) return { kind: 'weekend' };
  return { kind: 'school' };
}

export function upcomingHolidays(calendar: Calendar, today: IsoDate, limit = 3): Holiday[] {
  return calendar.holidays.filter((h) => h.to >= today).sort((a, b) => a.from.localeCompare(b.from)).slice(0, limit);
}

export function upcomingEvents(calendar: Calendar, from: IsoDate, to: IsoDate | null, limit = 5) {
  return calendar.events
    .filter((e) => e.date >= from && (to === null || e.date <= to))
    .sort((a, b) => a.date.localeCompare(b.date))
    .slice(0, limit);
}

export function currentTerm(calendar: Calendar, today: IsoDate) {
  return calendar.terms.find((t) => t.start <= today && today <= t.end) ?? null;
}

const WEEK_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** The menu for a day: an override if the school set one, else the rotation; null if none. */
export function menuFor(menus: SchoolData['menus'], date: IsoDate): Meal | null {
  if (menus.overrides[date]) return menus.overrides[date];
  if (menus.weeks.length === 0 || date < menus.rotationStart) return null;
  const weeksSince = Math.floor((Date.parse(date) - Date.parse(menus.rotationStart)) / (7 * 86_400_000));
  const week = menus.weeks[weeksSince % menus.weeks.length];
  const key = WEEK_KEYS[weekday(date)];
  return key === 'sun' ? null : week[key] ?? null;
}

/** School days in a range, for weekly menus. */
export function schoolDaysBetween(calendar: Calendar, from: IsoDate, to: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (dayStatus(calendar, d).kind === 'school') days.push(d);
  return days;
}

/** The meals of the school days in a range that have a published menu, in date order. */
export function mealsBetween(school: Pick<SchoolData, 'calendar' | 'menus'>, from: IsoDate, to: IsoDate): { date: IsoDate; meal: Meal }[] {
  return schoolDaysBetween(school.calendar, from, to)
    .map((date) => ({ date, meal: menuFor(school.menus, date) }))
    .filter((x): x is { date: IsoDate; meal: Meal } => x.meal !== null);
}

// Words every period's name shares ("Nghỉ hè", "Summer holiday"): they say nothing about which one.
const GENERIC = new Set(['nghi', 'ngay', 'holiday', 'holidays', 'day', 'le', 'the', 'and', 'va', 'kem', 'with', 'a', 'in', 'of', 'lieu', 'bu']);
const NUMERALS: Record<string, string> = { i: '1', ii: '2', iii: '3', mot: '1', hai: '2', ba: '3', one: '1', two: '2', three: '3', first: '1', second: '2' };
const periodWords = (text: string) => normalise(text).tokens.map((w) => NUMERALS[w] ?? w).filter((w) => !GENERIC.has(w));

/**
 * The holiday or term a question names ("bao giờ nghỉ hè", "khi nào học kỳ 2 bắt đầu", "Tết Nguyên
 * đán"), read from the school's own calendar: a short name must appear whole, a longer one by its
 * first two words, and a number in the name ("Học kỳ II") always.
 */
export function namedPeriod(calendar: Calendar, text: string): { name: { vi: string; en: string }; from: IsoDate; to: IsoDate; kind: 'holiday' | 'term' } | null {
  const asked = periodWords(text);
  const has = (ws: string[]) => asked.some((_, j) => ws.every((w, k) => asked[j + k] === w));
  const periods = [
    ...calendar.holidays.map((h) => ({ name: h.name, from: h.from, to: h.to, kind: 'holiday' as const })),
    ...calendar.terms.map((t) => ({ name: t.name, from: t.start, to: t.end, kind: 'term' as const })),
  ];
  return periods.find((p) => [p.name.vi, p.name.en].some((name) => {
    const words = periodWords(name.replace(/\(.*?\)/g, ' '));
    if (words.length === 0) return false;
    const numbers = words.filter((w) => /^\d+$/.test(w));
    if (!numbers.every((n) => asked.includes(n))) return false;
    return words.length <= 2 ? words.every((w) => asked.includes(w)) : has(words.filter((w) => !/^\d+$/.test(w)).slice(0, 2));
  })) ?? null;
}

// What the school calendar says about a day: school, weekend, holiday, or outside the year.
import { addDays, weekday, type IsoDate } from '../../core/dates.ts';
import type { Meal, SchoolData } from '../../school/school-schema.ts';

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

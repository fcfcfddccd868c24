// Deadlines in working days: weekends and the school's holidays do not count.
import { addDays, clockIn, todayIn, weekday, zonedTime, type IsoDate } from './dates.ts';

export function isWorkingDay(date: IsoDate, holidays: { from: string; to: string }[]): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && !holidays.some((h) => h.from <= date && date <= h.to);
}

/** The same wall-clock time `days` working days later (from a weekend, counting starts Monday). */
export function addWorkingDays(from: Date, days: number, timeZone: string, holidays: { from: string; to: string }[]): Date {
  let date = todayIn(timeZone, from);
  let left = days;
  while (left > 0) {
    date = addDays(date, 1);
    if (isWorkingDay(date, holidays)) left--;
  }
  const { hour, minute } = clockIn(timeZone, from);
  return zonedTime(date, hour, minute, timeZone);
}

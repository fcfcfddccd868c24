// The next time a five-field cron expression fires, in a time zone (node-cron runs jobs but does
// not say when a not-yet-started one will fire; recurring broadcasts need that for their schedule).
import cron from 'node-cron';
import { zoneOffsetMinutes } from '../core/dates.ts';

function field(spec: string, min: number, max: number): Set<number> {
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText ? Number(stepText) : 1;
    let [lo, hi] = range === '*' ? [min, max] : range.split('-').map(Number);
    if (hi === undefined) hi = stepText ? max : lo;
    for (let v = lo; v <= hi; v += step) out.add(v === 7 && max === 7 ? 0 : v);
  }
  return out;
}

export const isValidCron = (expr: string) => expr.trim().split(/\s+/).length === 5 && cron.validate(expr);

/** The first minute strictly after `after` when `expr` fires in `timeZone`; null if none within a year. */
export function nextCronTime(expr: string, after: Date, timeZone: string): Date | null {
  if (!isValidCron(expr)) return null;
  const [m, h, dom, mon, dow] = expr.trim().split(/\s+/);
  const minutes = field(m, 0, 59), hours = field(h, 0, 23), days = field(dom, 1, 31), months = field(mon, 1, 12), weekdays = field(dow, 0, 7);
  const domAny = dom === '*', dowAny = dow === '*';
  let t = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  const end = t + 366 * 24 * 60 * 60_000;
  while (t < end) {
    const local = new Date(t + zoneOffsetMinutes(timeZone, new Date(t)) * 60_000); // wall clock as UTC fields
    const dayOk = domAny && dowAny ? true : domAny ? weekdays.has(local.getUTCDay()) : dowAny ? days.has(local.getUTCDate()) : days.has(local.getUTCDate()) || weekdays.has(local.getUTCDay());
    if (!months.has(local.getUTCMonth() + 1) || !dayOk) {
      t += (24 * 60 - local.getUTCHours() * 60 - local.getUTCMinutes()) * 60_000; // next local midnight
      continue;
    }
    if (!hours.has(local.getUTCHours())) {
      t += (60 - local.getUTCMinutes()) * 60_000;
      continue;
    }
    if (minutes.has(local.getUTCMinutes())) return new Date(t);
    t += 60_000;
  }
  return null;
}

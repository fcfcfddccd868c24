// A repeating announcement's schedule: the three shapes a school uses (every day, some weekdays,
// one day of the month at a time) built as a five-field cron, and any cron said in words in the
// person's language ("18:00 Chủ nhật hằng tuần"). Pure functions: `t` is passed in, so tests can
// use the locales' texts directly.

export type Repeat =
  | { every: 'day'; time: string }
  | { every: 'week'; time: string; days: number[] }
  | { every: 'month'; time: string; day: number }
  /** Any five-field cron, as written (the server checks it). */
  | { every: 'custom'; cron: string };

type T = (key: string, options?: Record<string, unknown>) => string;

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** The cron of a repeat, or null when its time or days are missing. */
export function toCron(r: Repeat): string | null {
  if (r.every === 'custom') return r.cron.trim().split(/\s+/).length === 5 ? r.cron.trim().replace(/\s+/g, ' ') : null;
  const m = TIME.exec(r.time);
  if (!m) return null;
  const [min, hour] = [Number(m[2]), Number(m[1])];
  if (r.every === 'day') return `${min} ${hour} * * *`;
  if (r.every === 'week') return r.days.length ? `${min} ${hour} * * ${[...r.days].sort((a, b) => a - b).join(',')}` : null;
  return r.day >= 1 && r.day <= 31 ? `${min} ${hour} ${r.day} * *` : null;
}

/** Expands "1-5,0" into [1, 2, 3, 4, 5, 0]; null when a part is not a plain number or range. */
function numbers(field: string, max: number): number[] | null {
  const out: number[] = [];
  for (const part of field.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) return null;
    const lo = Number(range[1]), hi = range[2] === undefined ? lo : Number(range[2]);
    if (hi < lo || hi > max) return null;
    for (let v = lo; v <= hi; v++) out.push(v === 7 ? 0 : v);
  }
  return [...new Set(out)];
}

/** The repeat a cron is, when it is one of the three shapes; null for anything else. */
export function fromCron(cron: string): Exclude<Repeat, { every: 'custom' }> | null {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1]) || f[3] !== '*') return null;
  const time = `${f[1].padStart(2, '0')}:${f[0].padStart(2, '0')}`;
  if (!TIME.test(time)) return null;
  if (f[2] === '*' && f[4] === '*') return { every: 'day', time };
  if (f[2] === '*') {
    const days = numbers(f[4], 7);
    return days ? { every: 'week', time, days: [...days].sort((a, b) => a - b) } : null;
  }
  if (f[4] === '*' && /^\d+$/.test(f[2]) && Number(f[2]) >= 1 && Number(f[2]) <= 31) return { every: 'month', time, day: Number(f[2]) };
  return null;
}

/** Monday first, Sunday last: the order a Vietnamese week is read in. */
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

/** A cron in words: "18:00 Chủ nhật hằng tuần", "07:00 every day"; other crons are shown as they are. */
export function cronInWords(cron: string, t: T): string {
  const r = fromCron(cron);
  if (!r) return t('announcements.cron.custom', { cron });
  if (r.every === 'day') return t('announcements.cron.daily', { time: r.time });
  if (r.every === 'month') return t('announcements.cron.monthly', { time: r.time, day: r.day });
  const days = WEEK_ORDER.filter((d) => r.days.includes(d));
  if (days.length === 7) return t('announcements.cron.daily', { time: r.time });
  const names = days.map((d) => t(`day.${d}`));
  const list = names.length > 1 ? t('announcements.cron.and', { list: names.slice(0, -1).join(', '), last: names[names.length - 1] }) : names[0];
  return t('announcements.cron.weekly', { time: r.time, days: list });
}

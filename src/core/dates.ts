// Calendar days in the school's time zone, as 'YYYY-MM-DD' strings: no Date object's hidden
// UTC offset can move "tomorrow" to the wrong day.

export type IsoDate = string;

// Creating an Intl.DateTimeFormat is slow; one per zone and purpose is enough.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formats.get(key);
  if (!f) {
    f = make();
    formats.set(key, f);
  }
  return f;
}

// Every turn asks for today several times, and formatting a date costs microseconds: the answer
// is kept for the minute it was asked in (no time zone moves midnight off a minute boundary).
const lastToday = { zone: '', minute: NaN, date: '' };

/** Today's date in a time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): IsoDate {
  const minute = Math.floor(now.getTime() / 60_000);
  if (lastToday.minute === minute && lastToday.zone === timeZone) return lastToday.date;
  // en-CA formats as YYYY-MM-DD
  const date = format(`day:${timeZone}`, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })).format(now);
  Object.assign(lastToday, { zone: timeZone, minute, date });
  return date;
}

const toUtc = (d: IsoDate) => {
  const [y, m, day] = d.split('-').map(Number);
  return Date.UTC(y, m - 1, day);
};
const fromUtc = (ms: number): IsoDate => new Date(ms).toISOString().slice(0, 10);

export const addDays = (d: IsoDate, n: number): IsoDate => fromUtc(toUtc(d) + n * 86_400_000);
/** 0 = Sunday … 6 = Saturday. */
export const weekday = (d: IsoDate): number => new Date(toUtc(d)).getUTCDay();
export const daysBetween = (a: IsoDate, b: IsoDate): number => Math.round((toUtc(b) - toUtc(a)) / 86_400_000);

/** Monday of the week a date falls in (Vietnamese weeks start on Monday). */
export const mondayOf = (d: IsoDate): IsoDate => addDays(d, -((weekday(d) + 6) % 7));

export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const makeDate = (y: number, m: number, d: number): IsoDate =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

export const lastDayOfMonth = (y: number, m: number): IsoDate => makeDate(y, m, new Date(Date.UTC(y, m, 0)).getUTCDate());

/** "Thứ Sáu, 27/11/2026" or "Friday 27 November 2026". */
export function formatDate(d: IsoDate, locale: 'vi' | 'en'): string {
  const [y, m, day] = d.split('-').map(Number);
  if (locale === 'vi') {
    const names = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
    return `${names[weekday(d)]}, ${String(day).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
  }
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(toUtc(d)));
}

/** Short form for lists: "27/11" or "27 Nov". */
export function formatShortDate(d: IsoDate, locale: 'vi' | 'en'): string {
  const [, m, day] = d.split('-').map(Number);
  if (locale === 'vi') return `${String(day).padStart(2, '0')}/${String(m).padStart(2, '0')}`;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(toUtc(d)));
}

/** Minutes the zone is ahead of UTC at an instant (+420 for Hanoi). */
export function zoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = Object.fromEntries(
    format(`parts:${timeZone}`, () => new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }))
      .formatToParts(at).map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - at.getTime()) / 60_000);
}

/** The instant of a wall-clock time on a date in a zone ("06:00 on 2026-11-27 in Hanoi"). */
export function zonedTime(date: IsoDate, hour: number, minute: number, timeZone: string): Date {
  const guess = new Date(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`);
  const offset = zoneOffsetMinutes(timeZone, guess);
  const first = new Date(guess.getTime() - offset * 60_000);
  // Once more in case the first guess crossed a daylight-saving change.
  return new Date(guess.getTime() - zoneOffsetMinutes(timeZone, first) * 60_000);
}

/** The next time the wall clock shows hh:mm in the zone, from `now`. */
export function nextWallClock(hour: number, minute: number, timeZone: string, now: Date): Date {
  const today = todayIn(timeZone, now);
  const candidate = zonedTime(today, hour, minute, timeZone);
  return candidate > now ? candidate : zonedTime(addDays(today, 1), hour, minute, timeZone);
}

/** Hour (0-23) and minute now in a time zone. */
export function clockIn(timeZone: string, now: Date = new Date()): { hour: number; minute: number } {
  const offset = zoneOffsetMinutes(timeZone, now);
  const local = new Date(now.getTime() + offset * 60_000);
  return { hour: local.getUTCHours(), minute: local.getUTCMinutes() };
}

/** "Thứ Hai, 30/11" or "Monday 30 November": a day in a list within one week. */
export function formatDayInWeek(d: IsoDate, locale: 'vi' | 'en'): string {
  return locale === 'vi' ? `${formatDate(d, locale).split(', ')[0]}, ${formatShortDate(d, locale)}` : formatDate(d, locale).replace(/ \d{4}$/, '');
}

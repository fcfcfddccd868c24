// The weekly menu as a spreadsheet: one row per rotation week and day (or per date, for a day
// that replaces the rotation), lunch and snack in Vietnamese and English. Read whole, with the
// line of every bad row; a file without date rows keeps the current special days, and one
// without week rows keeps the rotation.
import { parseCsv } from '../core/csv.ts';
import type { SchoolData } from './school-schema.ts';

type Menus = SchoolData['menus'];
type Meal = { lunch: { vi: string; en: string }; snack?: { vi: string; en: string } };
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
type Day = (typeof DAYS)[number];

export const MENU_CSV_HEADER = ['week', 'day', 'date', 'lunch_vi', 'lunch_en', 'snack_vi', 'snack_en'];

export interface MenuProblem {
  line: number;
  key: string;
  vars?: Record<string, unknown>;
}

/** "mon", "Monday", "thứ 2", "Thứ Hai", "T2", "2" → mon; …; "thứ 7", "T7", "7" → sat. */
export function dayOf(value: string): Day | null {
  const v = value.trim().toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/\s+/g, ' ');
  // "thu" alone is Thursday; "thu 2" (thứ 2, folded) is Monday.
  const en = DAYS.find((d) => v === d || v === { mon: 'monday', tue: 'tuesday', wed: 'wednesday', thu: 'thursday', fri: 'friday', sat: 'saturday' }[d]);
  if (en) return en;
  const words = ['hai', 'ba', 'tu', 'nam', 'sau', 'bay'];
  const m = /^(?:thu |t)?([2-7]|hai|ba|tu|nam|sau|bay)$/.exec(v);
  if (!m) return null;
  const n = /\d/.test(m[1]) ? Number(m[1]) : words.indexOf(m[1]) + 2;
  return DAYS[n - 2] ?? null;
}

export function menusFromCsv(text: string, current: Menus): { data: Menus | null; problems: MenuProblem[] } {
  const parsed = parseCsv(text);
  if (!Array.isArray(parsed)) return { data: null, problems: [{ line: parsed.line, key: 'import.unclosed_quote' }] };
  const [header, ...rows] = parsed;
  const names = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const col = (n: string) => names.indexOf(n);
  const hasDayColumns = col('week') >= 0 && col('day') >= 0;
  if (!header || col('lunch_vi') < 0 || col('lunch_en') < 0 || (!hasDayColumns && col('date') < 0)) {
    return { data: null, problems: [{ line: 1, key: 'menu.header', vars: { columns: MENU_CSV_HEADER.join(',') } }] };
  }
  const problems: MenuProblem[] = [];
  const weeks: Partial<Record<Day, Meal>>[] = [];
  const overrides: Record<string, Meal> = {};
  const seen = new Set<string>();
  let weekRows = 0;
  let dateRows = 0;
  for (const { line, cells } of rows) {
    const get = (n: string) => (col(n) >= 0 ? (cells[col(n)] ?? '').trim() : '');
    const meal: Meal = { lunch: { vi: get('lunch_vi'), en: get('lunch_en') } };
    if (!meal.lunch.vi || !meal.lunch.en) {
      problems.push({ line, key: 'menu.lunch_required' });
      continue;
    }
    const [snackVi, snackEn] = [get('snack_vi'), get('snack_en')];
    if (Boolean(snackVi) !== Boolean(snackEn)) {
      problems.push({ line, key: 'menu.snack_pair' });
      continue;
    }
    if (snackVi) meal.snack = { vi: snackVi, en: snackEn };
    const date = get('date');
    if (date) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
        problems.push({ line, key: 'menu.bad_date', vars: { date } });
        continue;
      }
      if (seen.has(date)) problems.push({ line, key: 'menu.duplicate', vars: { what: date } });
      seen.add(date);
      overrides[date] = meal;
      dateRows++;
      continue;
    }
    const week = Number(get('week'));
    const day = dayOf(get('day'));
    if (!Number.isInteger(week) || week < 1 || week > 8) {
      problems.push({ line, key: 'menu.bad_week', vars: { week: get('week') } });
      continue;
    }
    if (!day) {
      problems.push({ line, key: 'menu.bad_day', vars: { day: get('day') } });
      continue;
    }
    const key = `${week}/${day}`;
    if (seen.has(key)) problems.push({ line, key: 'menu.duplicate', vars: { what: `${week} ${get('day')}` } });
    seen.add(key);
    while (weeks.length < week) weeks.push({});
    weeks[week - 1][day] = meal;
    weekRows++;
  }
  if (weekRows + dateRows === 0 && problems.length === 0) problems.push({ line: 1, key: 'menu.empty' });
  if (problems.length) return { data: null, problems };
  return {
    data: { ...current, weeks: weekRows ? weeks : current.weeks, overrides: dateRows ? overrides : current.overrides },
    problems,
  };
}

const cell = (v: string) => (/[",;\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function menusToCsv(menus: Menus): string {
  const rows: string[][] = [MENU_CSV_HEADER];
  const meal = (m: Meal) => [m.lunch.vi, m.lunch.en, m.snack?.vi ?? '', m.snack?.en ?? ''];
  menus.weeks.forEach((w, i) => {
    for (const d of DAYS) {
      const m = w[d];
      if (m) rows.push([String(i + 1), d, '', ...meal(m)]);
    }
  });
  for (const [date, m] of Object.entries(menus.overrides)) rows.push(['', '', date, ...meal(m)]);
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

// The weekly menu's data side: an empty lunch drops the day, an empty snack drops the snack, so a
// grid saved half-filled is still a valid rotation. Tested on its own.
import type { SchoolData } from '../types.ts';

type Menus = SchoolData['menus'];
export type Meal = { lunch: { vi: string; en: string }; snack?: { vi: string; en: string } };
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const emptyMeal = (): Meal => ({ lunch: { vi: '', en: '' }, snack: { vi: '', en: '' } });

/** An empty lunch drops the day, an empty snack drops the snack: the rotation stays valid. */
function cleanMeal(m: Meal | undefined): Meal | undefined {
  if (!m) return undefined;
  const lunchEmpty = !m.lunch?.vi?.trim() && !m.lunch?.en?.trim();
  const snackEmpty = !m.snack?.vi?.trim() && !m.snack?.en?.trim();
  if (lunchEmpty && snackEmpty) return undefined;
  return snackEmpty ? { lunch: m.lunch } : m;
}
export function cleanMenus(m: Menus): Menus {
  const weeks = m.weeks.map((w) => Object.fromEntries(DAYS.map((d) => [d, cleanMeal((w as any)[d])]).filter(([, v]) => v)));
  const overrides = Object.fromEntries(Object.entries(m.overrides ?? {}).map(([d, v]) => [d, cleanMeal(v as Meal)]).filter(([, v]) => v));
  return { ...m, weeks, overrides } as Menus;
}


// The console's texts: locales/<lng>/console.json, Vietnamese first. The chosen language is kept
// in the browser and sent to the API (Accept-Language) so that its error messages match.
import i18next from 'i18next';
import vi from '../../locales/vi/console.json';
import en from '../../locales/en/console.json';

export type Lang = 'vi' | 'en';
const STORAGE_KEY = 'loa.console.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'vi' || saved === 'en') return saved;
  } catch { /* private mode: fall through */ }
  return 'vi';
}

i18next.init({
  lng: initialLang(),
  fallbackLng: 'vi',
  resources: { vi: { translation: vi }, en: { translation: en } },
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});
document.documentElement.lang = i18next.language;

export const t = i18next.t.bind(i18next) as (key: string, options?: Record<string, unknown>) => string;
export const lang = (): Lang => (i18next.language === 'en' ? 'en' : 'vi');

export function setLang(next: Lang): void {
  i18next.changeLanguage(next);
  document.documentElement.lang = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* ignore */ }
}

/** The school's time zone (from /me): every time shown is the school's, whatever the device's. */
let schoolZone = 'Asia/Ho_Chi_Minh';
export const schoolTimeZone = () => schoolZone;
export const setSchoolTimeZone = (zone: string | undefined) => { if (zone) schoolZone = zone; };
export const formatDateTime = (iso: string) =>
  new Intl.DateTimeFormat(lang() === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: schoolZone }).format(new Date(iso));
/** A date with its weekday ("Chủ nhật, 6 tháng 12, 2026"); ICU writes "Chủ Nhật", Vietnamese spelling "Chủ nhật". */
export const formatFullDate = (date: Date, options: Intl.DateTimeFormatOptions = {}) =>
  new Intl.DateTimeFormat(lang() === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'full', timeZone: schoolZone, ...options }).format(date).replace('Chủ Nhật', 'Chủ nhật');
/** Today at the school, as YYYY-MM-DD. */
export const schoolToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: schoolZone }).format(new Date());
export const percent = (n: number) => `${Math.round(n * 100)} %`;

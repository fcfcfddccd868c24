// i18next with the bot's texts from locales/<lng>/translation.json; Vietnamese is the default.
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import type { Locale } from './store/types.ts';

export const LOCALES: Locale[] = ['vi', 'en'];

export async function createI18n(localesDir = path.resolve('locales')): Promise<i18n> {
  const resources: Record<string, { translation: Record<string, unknown> }> = {};
  for (const lng of LOCALES) {
    resources[lng] = { translation: JSON.parse(fs.readFileSync(path.join(localesDir, lng, 'translation.json'), 'utf8')) };
  }
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: 'vi',
    fallbackLng: 'vi',
    supportedLngs: LOCALES,
    interpolation: { escapeValue: false }, // chat text, not HTML
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

export type Translate = TFunction;

const translators = new WeakMap<i18n, Map<Locale, Translate>>();

/**
 * One translator per language, made once. Texts without variables (button titles, fixed
 * sentences) are cached: an i18next lookup costs more than the rest of a short turn.
 */
export function translatorFor(i18n: i18n, locale: Locale): Translate {
  let byLocale = translators.get(i18n);
  if (!byLocale) translators.set(i18n, (byLocale = new Map()));
  let t = byLocale.get(locale);
  if (!t) {
    const fixed = i18n.getFixedT(locale);
    const plain = new Map<string, string>();
    const cached = ((key: string, options?: unknown) => {
      if (options !== undefined || typeof key !== 'string') return (fixed as (k: unknown, o?: unknown) => string)(key, options);
      let text = plain.get(key);
      if (text === undefined) plain.set(key, (text = fixed(key)));
      return text;
    }) as unknown as Translate;
    // Texts are edited by replacing locale files and restarting, so the cache lives as long as i18n.
    byLocale.set(locale, (t = cached));
  }
  return t;
}

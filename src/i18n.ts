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

export function translatorFor(i18n: i18n, locale: Locale): Translate {
  return i18n.getFixedT(locale);
}

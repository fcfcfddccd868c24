// Errors a person reads, in their language (Accept-Language: vi or en, Vietnamese by default).
// Texts live in locales/<lng>/errors.json, keyed by the error's code; a schema failure also
// gives one message per field, keyed by its dotted path, for the console to show beside it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';
import type { Request } from 'express';
import type { z } from '@botpress/sdk';
import type { Locale } from '../store/types.ts';
import { LOCALES } from '../i18n.ts';

const LOCALES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'locales');

const texts = i18next.createInstance();
void texts.init({
  resources: Object.fromEntries(LOCALES.map((lng) => [lng, { translation: JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, lng, 'errors.json'), 'utf8')) }])),
  lng: 'vi',
  fallbackLng: 'vi',
  supportedLngs: LOCALES,
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** The request's language: the first of Accept-Language that Loa speaks, else Vietnamese. */
export function requestLocale(req: Pick<Request, 'get'>): Locale {
  for (const part of (req.get('accept-language') ?? '').split(',')) {
    const lng = part.trim().slice(0, 2).toLowerCase();
    if (lng === 'vi' || lng === 'en') return lng;
  }
  return 'vi';
}

export const errorT = (locale: Locale): TFunction => texts.getFixedT(locale);

export function hasErrorText(code: string): boolean {
  return texts.exists(code, { lng: 'vi' });
}

/** The schemas' own format messages (regexes) mapped to a field text. */
const FORMATS: [RegExp, string][] = [
  [/date like/, 'date'], [/time like/, 'time'], [/^username$/, 'username'],
  [/underscores, starting with a letter/, 'intent_id'], [/letters, digits and dashes/, 'class_id'],
];

/** One sentence for one schema issue, in the person's language. */
export function issueText(issue: z.ZodIssue, t: TFunction): string {
  const i = issue as z.ZodIssue & Record<string, unknown>;
  switch (issue.code) {
    case 'invalid_type':
      return i.received === 'undefined' || i.received === 'null' ? t('field.required') : t('field.type', { expected: i.expected });
    case 'too_small':
      if (i.type === 'string') return Number(i.minimum) <= 1 ? t('field.required') : t('field.too_short', { min: i.minimum });
      if (i.type === 'array') return t('field.too_few', { min: i.minimum });
      return t('field.too_small', { min: i.minimum });
    case 'too_big':
      if (i.type === 'string') return t('field.too_long', { max: i.maximum });
      if (i.type === 'array') return t('field.too_many', { max: i.maximum });
      return t('field.too_big', { max: i.maximum });
    case 'invalid_enum_value':
      return t('field.enum', { options: (i.options as unknown[]).join(', ') });
    case 'unrecognized_keys':
      return t('field.unknown_key', { keys: (i.keys as string[]).join(', ') });
    default: {
      const format = FORMATS.find(([re]) => re.test(issue.message));
      if (format) return t(`field.${format[1]}`);
      if (issue.message && hasErrorText(issue.message)) return t(issue.message);
      return t('field.invalid');
    }
  }
}

/** Field messages keyed by dotted path (the first issue of each field). */
export function fieldErrors(issues: z.ZodIssue[], locale: Locale): Record<string, string> {
  const t = errorT(locale);
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.join('.') || '_';
    fields[key] ??= issueText(issue, t);
  }
  return fields;
}

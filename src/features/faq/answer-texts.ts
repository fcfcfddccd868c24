// An intent's answer as a parent gets it: the text edited in the console (stored with the
// intent) wins over the locales text; either may use the school-data placeholders below.
import type { Intent } from '../../nlu/intent-schema.ts';
import type { Locale } from '../../store/types.ts';
import type { SchoolService } from '../../school/school-service.ts';
import { schoolName, type TurnContext } from '../../core/turn.ts';
import { formatMoney, pick } from '../school-info/format.ts';

/** Placeholders an answer text may use, as {{name}}, filled from the school's data. */
export function answerVariables(school: SchoolService, locale: Locale): Record<string, string> {
  const p = school.get('profile');
  const fees = school.get('fees');
  return {
    school: locale === 'en' && p.nameEn ? p.nameEn : p.name,
    short_name: p.shortName,
    phone: p.phone,
    email: p.email,
    address: p.address,
    zalo: p.zalo ?? p.phone,
    fanpage: p.fanpage ?? '',
    website: p.website ?? '',
    principal: p.principal.name,
    principal_phone: p.principal.phone,
    office_hours: pick(p.officeHours, locale),
    open: p.hours.open,
    drop_off_until: p.hours.dropOffUntil,
    pick_up_from: p.hours.pickUpFrom,
    close: p.hours.close,
    tuition: formatMoney(fees.tuition.amount, locale),
    school_year: fees.schoolYear,
  };
}


/** The placeholders with their value today (what the console lists and inserts). */
export function placeholders(school: SchoolService, locale: Locale): { name: string; example: string }[] {
  return Object.entries(answerVariables(school, locale)).map(([name, example]) => ({ name, example }));
}

/** {{name}} → its value; an unknown placeholder stays visible rather than vanishing. */
export function fillPlaceholders(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name] : whole));
}

/** The text stored for a language: the console's edit, else null (the locales text applies). */
export function storedAnswer(intent: Intent, locale: Locale): string | null {
  return intent.texts?.[locale] ?? (intent.answer ? null : intent.texts?.vi ?? null);
}

/** The answer of an intent without a handler, in the turn's language. */
export function renderAnswer(ctx: TurnContext, intent: Intent): string {
  const vars = { ...answerVariables(ctx.services.school, ctx.locale), school: schoolName(ctx), who: ctx.t('answers.greeting_who') };
  const stored = storedAnswer(intent, ctx.locale);
  return stored !== null ? fillPlaceholders(stored, vars) : ctx.t(intent.answer!, vars);
}

/** A button to an intent that has no locales text: its title, else its first question, capitalised. */
export function intentButtonTitle(intent: Intent, locale: Locale): string {
  const text = intent.title?.[locale] ?? intent.title?.vi ?? intent.utterances[locale][0] ?? intent.utterances.vi[0] ?? intent.id;
  const short = [...text].length > 20 ? `${[...text].slice(0, 19).join('').trimEnd()}…` : text;
  return short.charAt(0).toLocaleUpperCase('vi') + short.slice(1);
}

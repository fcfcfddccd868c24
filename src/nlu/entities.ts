// Entities parents mention: days ("mai", "thứ 2 tuần sau", "20/11"), classes ("lớp Lá A1",
// "chồi b") and a child's name ("bé Na"). Dates resolve against today in the school's time zone.
import {
  addDays, isValidDate, lastDayOfMonth, makeDate, mondayOf, weekday, daysBetween, type IsoDate,
} from '../core/dates.ts';
import { foldDiacritics } from './normalise.ts';

export type DateEntity =
  | { kind: 'day'; date: IsoDate; text: string }
  | { kind: 'range'; from: IsoDate; to: IsoDate; unit: 'week' | 'month' | 'span'; text: string }
  | { kind: 'invalid'; text: string };

export interface ClassRef {
  id: string;
  name: string;
}

export interface Entities {
  date: DateEntity | null;
  /** Exactly one class when the message names one; several when it is ambiguous ("chồi b"). */
  classes: ClassRef[];
  childName: string | null;
}

const EN_WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const EN_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Vietnamese "thứ 2".."thứ 7" → weekday index; "chủ nhật" → 0. */
function viWeekday(tokens: string[], i: number): { day: number; length: number } | null {
  const t = tokens[i];
  const next = tokens[i + 1];
  if (t === 'thu' && next) {
    const words: Record<string, number> = { '2': 1, hai: 1, '3': 2, ba: 2, '4': 3, tu: 3, '5': 4, nam: 4, '6': 5, sau: 5, '7': 6, bay: 6 };
    if (next in words) return { day: words[next], length: 2 };
  }
  const short = /^t([2-7])$/.exec(t);
  if (short) return { day: Number(short[1]) - 1, length: 1 };
  if (t === 'chu' && next === 'nhat') return { day: 0, length: 2 };
  if (t === 'cn') return { day: 0, length: 1 };
  const en = EN_WEEKDAYS.indexOf(t);
  if (en >= 0) return { day: en, length: 1 };
  return null;
}

/** Dates resolve forward: the next such day, unless it was within the last week ("hôm 20/11"). */
function forwardYear(today: IsoDate, month: number, day: number): number {
  const y = Number(today.slice(0, 4));
  for (const yy of [y, y + 1, y + 2]) {
    if (isValidDate(yy, month, day) && daysBetween(today, makeDate(yy, month, day)) >= -7) return yy;
  }
  return y;
}

/** "năm sau", "năm nay", "next year" right after a date. */
function yearWord(tokens: string[], i: number, today: IsoDate): number | null {
  const y = Number(today.slice(0, 4));
  const [a, b] = [tokens[i], tokens[i + 1]];
  if (a === 'nam' && (b === 'sau' || b === 'toi')) return y + 1;
  if (a === 'nam' && b === 'nay') return y;
  if (a === 'next' && b === 'year') return y + 1;
  if (a === 'this' && b === 'year') return y;
  return null;
}

const ORDINAL = /^(\d{1,2})(st|nd|rd|th)?$/;
/** "jan", "january" → 1. Not "may": folded, it is also "mấy" ("5 mấy"), far more common here. */
const enMonthOf = (t: string | undefined) => (t && t.length >= 3 && t !== 'may' ? EN_MONTHS.findIndex((m) => m.startsWith(t)) + 1 : 0);

export function extractDates(text: string, today: IsoDate): DateEntity[] {
  const tokens = foldDiacritics(text.normalize('NFC').toLowerCase()).split(/[^a-z0-9/-]+/).filter(Boolean);
  const found: DateEntity[] = [];
  const has = (i: number, ...words: string[]) => words.every((w, k) => tokens[i + k] === w);
  const thisMonday = mondayOf(today);

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // Explicit dates: 20/11, 20-11-2026, 31/2 (invalid).
    const m = /^(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2,4}))?$/.exec(t);
    if (m) {
      const d = Number(m[1]);
      const mo = Number(m[2]);
      let y = m[3] ? Number(m[3]) : yearWord(tokens, i + 1, today) ?? forwardYear(today, mo, d);
      if (y < 100) y += 2000;
      found.push(isValidDate(y, mo, d) ? { kind: 'day', date: makeDate(y, mo, d), text: t } : { kind: 'invalid', text: t });
      continue;
    }
    // "ngày 20 tháng 11"
    if (t === 'ngay' && /^\d{1,2}$/.test(tokens[i + 1] ?? '') && tokens[i + 2] === 'thang' && /^\d{1,2}$/.test(tokens[i + 3] ?? '')) {
      const d = Number(tokens[i + 1]);
      const mo = Number(tokens[i + 3]);
      const y = yearWord(tokens, i + 4, today) ?? forwardYear(today, mo, d);
      found.push(isValidDate(y, mo, d) ? { kind: 'day', date: makeDate(y, mo, d), text: tokens.slice(i, i + 4).join(' ') } : { kind: 'invalid', text: tokens.slice(i, i + 4).join(' ') });
      i += 3;
      continue;
    }
    // English: "24 December", "24th of Dec", "December 24th".
    const dayFirst = ORDINAL.exec(t);
    const monthAfter = dayFirst ? enMonthOf(tokens[i + 1] === 'of' ? tokens[i + 2] : tokens[i + 1]) : 0;
    const monthFirst = enMonthOf(t);
    const dayAfter = monthFirst ? ORDINAL.exec(tokens[i + 1] ?? '') : null;
    if ((dayFirst && monthAfter) || (monthFirst && dayAfter)) {
      const d = Number((dayFirst ?? dayAfter)![1]);
      const mo = monthAfter || monthFirst;
      const span = dayFirst ? (tokens[i + 1] === 'of' ? 3 : 2) : 2;
      const y = yearWord(tokens, i + span, today) ?? forwardYear(today, mo, d);
      found.push(isValidDate(y, mo, d) ? { kind: 'day', date: makeDate(y, mo, d), text: tokens.slice(i, i + span).join(' ') } : { kind: 'invalid', text: tokens.slice(i, i + span).join(' ') });
      i += span - 1;
      continue;
    }
    if (has(i, 'hom', 'nay') || ((t === 'sang' || t === 'trua' || t === 'chieu' || t === 'toi') && tokens[i + 1] === 'nay')) {
      found.push({ kind: 'day', date: today, text: `${t} nay` }); i++; continue;
    }
    if (t === 'today' || t === 'tonight' || t === 'hnay' || (t === 'nay' && i === 0)) { found.push({ kind: 'day', date: today, text: t }); continue; }
    if (has(i, 'hom', 'qua') || t === 'yesterday' || t === 'hqua') { found.push({ kind: 'day', date: addDays(today, -1), text: t }); if (t === 'hom') i++; continue; }
    if (has(i, 'ngay', 'kia') || has(i, 'ngay', 'mot') || has(i, 'the', 'day', 'after', 'tomorrow')) {
      found.push({ kind: 'day', date: addDays(today, 2), text: 'ngay kia' }); i += t === 'the' ? 3 : 1; continue;
    }
    if (t === 'tomorrow' || (t === 'mai' && !['co', 'chi', 'be', 'em', 'ban', 'chau'].includes(tokens[i - 1] ?? ''))) {
      found.push({ kind: 'day', date: addDays(today, 1), text: t }); continue;
    }
    const wd = viWeekday(tokens, i);
    if (wd) {
      const after = tokens.slice(i + wd.length, i + wd.length + 2).join(' ');
      const before = tokens[i - 1];
      const nextWeek = /^(tuan (sau|toi))/.test(after) || before === 'next';
      const lastWeek = /^tuan truoc/.test(after) || before === 'last';
      const offset = (wd.day + 6) % 7; // days after Monday
      let date = addDays(thisMonday, offset);
      if (nextWeek) date = addDays(date, 7);
      else if (lastWeek) date = addDays(date, -7);
      else if (!/^tuan nay/.test(after) && before !== 'this' && date < today) date = addDays(date, 7);
      found.push({ kind: 'day', date, text: tokens.slice(i, i + wd.length).join(' ') });
      i += wd.length - 1 + (nextWeek || lastWeek ? 2 : 0);
      continue;
    }
    if (t === 'tuan' && ['nay', 'sau', 'toi', 'truoc'].includes(tokens[i + 1] ?? '')) {
      const shift = { nay: 0, sau: 7, toi: 7, truoc: -7 }[tokens[i + 1] as 'nay' | 'sau' | 'toi' | 'truoc'];
      const from = addDays(thisMonday, shift);
      found.push({ kind: 'range', from, to: addDays(from, 6), unit: 'week', text: `tuan ${tokens[i + 1]}` });
      i++;
      continue;
    }
    if ((t === 'this' || t === 'next' || t === 'last') && tokens[i + 1] === 'week') {
      const from = addDays(thisMonday, t === 'this' ? 0 : t === 'next' ? 7 : -7);
      found.push({ kind: 'range', from, to: addDays(from, 6), unit: 'week', text: `${t} week` });
      i++;
      continue;
    }
    const monthWord = t === 'thang' ? tokens[i + 1] : (t === 'this' || t === 'next') && tokens[i + 1] === 'month' ? t : undefined;
    const enMonth = EN_MONTHS.indexOf(t);
    if (monthWord !== undefined || enMonth >= 0) {
      const [y0, m0] = today.split('-').map(Number);
      let month: number | null = null;
      let year = y0;
      if (enMonth >= 0) month = enMonth + 1;
      else if (monthWord === 'nay' || monthWord === 'this') month = m0;
      else if (monthWord === 'sau' || monthWord === 'toi' || monthWord === 'next') { month = m0 === 12 ? 1 : m0 + 1; if (m0 === 12) year++; }
      else if (/^\d{1,2}$/.test(monthWord ?? '') && tokens[i + 2] !== 'tuoi') month = Number(monthWord);
      if (month && month >= 1 && month <= 12) {
        if (enMonth >= 0 || /^\d/.test(monthWord ?? '')) {
          // The nearest such month: in November, "tháng 1" is January next year, "tháng 9" this one.
          const diff = month - m0;
          if (diff < -5) year = y0 + 1; else if (diff > 6) year = y0 - 1;
        }
        found.push({ kind: 'range', from: makeDate(year, month, 1), to: lastDayOfMonth(year, month), unit: 'month', text: `thang ${month}` });
        i += enMonth >= 0 ? 0 : 1;
        continue;
      }
    }
  }
  return found;
}

/** One date entity for the message: a span when it says "from … to …", else the first date. */
export function extractDate(text: string, today: IsoDate): DateEntity | null {
  const dates = extractDates(text, today);
  if (dates.length === 0) return null;
  const invalid = dates.find((d) => d.kind === 'invalid');
  if (invalid) return invalid;
  const days = dates.filter((d): d is Extract<DateEntity, { kind: 'day' }> => d.kind === 'day');
  const folded = foldDiacritics(text.toLowerCase());
  if (days.length >= 2 && /\b(den|toi|to|until|-)\b|đến/.test(folded)) {
    // "từ thứ 2 đến thứ 4" asked on a Tuesday: from next Monday, so to next Wednesday.
    const from = days[0].date;
    let to = days[days.length - 1].date;
    while (to < from && daysBetween(to, from) < 7 * 5) to = addDays(to, 7);
    if (to < from) return { kind: 'range', from: to, to: from, unit: 'span', text: days.map((d) => d.text).join(' - ') };
    return { kind: 'range', from, to, unit: 'span', text: days.map((d) => d.text).join(' - ') };
  }
  return dates[0];
}

/** Finds classes named in a message, from the school's own class list. */
export function extractClasses(text: string, classes: { id: string; name: string }[]): ClassRef[] {
  const folded = ' ' + foldDiacritics(text.normalize('NFC').toLowerCase()).replace(/[^a-z0-9]+/g, ' ') + ' ';
  const squashed = folded.replace(/ /g, '');
  const exact = classes.filter((c) => {
    const name = foldDiacritics(c.name.toLowerCase()).replace(/[^a-z0-9]+/g, ' ').trim();
    return folded.includes(` ${name} `) || squashed.includes(name.replace(/ /g, '')) && /\d/.test(name) || folded.includes(` ${c.id.replace(/-/g, ' ')} `);
  });
  if (exact.length) return exact.map(({ id, name }) => ({ id, name }));
  // "chồi b", "lá a": a group and a letter, ambiguous when several classes share them.
  const partial = /\b(nha tre|mam|choi|la)\s+([a-z])\b(?!\s*non)/.exec(folded);
  if (!partial) return [];
  const prefix = `${partial[1]} ${partial[2]}`;
  return classes
    .filter((c) => foldDiacritics(c.name.toLowerCase()).replace(/[^a-z0-9]+/g, ' ').startsWith(prefix))
    .map(({ id, name }) => ({ id, name }));
}

const NAME_WORD = '\\p{Lu}[\\p{Ll}\\p{M}]*';
const CHILD_NAME = new RegExp(`(?:^|\\s)(?:bé|be|cháu|chau|con|bạn|em)\\s+(${NAME_WORD}(?:\\s+${NAME_WORD}){0,3})`, 'u');
// "bé tên là Bin", "tên cháu là Minh Anh", "my son's name is Bao".
const NAMED_AS = new RegExp(`(?:^|\\s)(?:tên|ten)(?:\\s+(?:bé|be|cháu|chau|con))?(?:\\s+(?:là|la))?\\s+(${NAME_WORD}(?:\\s+${NAME_WORD}){0,3})`, 'u');
const NAMED_AS_EN = new RegExp(`\\bname\\s+is\\s+(${NAME_WORD}(?:\\s+${NAME_WORD}){0,2})`, 'u');
const CHILD_NAME_EN = new RegExp(`\\b(?:son|daughter|child|kid)\\s+(?:is\\s+)?(${NAME_WORD}(?:\\s+${NAME_WORD}){0,2})`, 'u');

/** "bé Na", "cháu Minh Anh", "my son Bao": a name only when it is written with a capital. */
export function extractChildName(text: string): string | null {
  const t = text.normalize('NFC');
  const m = NAMED_AS.exec(t) ?? NAMED_AS_EN.exec(t) ?? CHILD_NAME.exec(t) ?? CHILD_NAME_EN.exec(t);
  if (!m) return null;
  // Stop before a class name that follows ("bé Na lớp Lá A1").
  const name = m[1].split(/\s+(?=Lớp|Lop|Lá|Chồi|Mầm|Nhà)/u)[0].trim();
  return name || null;
}

export function extractEntities(text: string, today: IsoDate, classes: { id: string; name: string }[]): Entities {
  return { date: extractDate(text, today), classes: extractClasses(text, classes), childName: extractChildName(text) };
}

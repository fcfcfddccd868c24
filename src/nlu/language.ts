// Vietnamese or English, per message, even for Vietnamese typed without diacritics.
import type { Locale } from '../store/types.ts';
import { foldDiacritics, hasVietnameseMarks } from './normalise.ts';

// Common English words that are not also (folded) Vietnamese syllables.
const EN = new Set(`what whats when where who why how which is are was were do does did can could would should will
the a an of for from with about to into on at by my your our their his her its this that these those there here
and or but not no yes please thanks thank you hello hey hi good morning afternoon evening bye
fee fees tuition cost costs price pay paid payment money school kindergarten class classes teacher teachers principal
menu lunch breakfast snack eat eating food today tomorrow yesterday week weekend month next day days holiday holidays
open opening close closing time hours pickup pick drop late early register registration enroll enrol enrollment
admission documents age old years child children kid kids son daughter baby sick ill fever medicine doctor vaccine
uniform clothes wear shoes event events meeting trip festival calendar term semester address phone email contact
call talk speak person human staff help support subscribe unsubscribe announcements stop complaint complain feedback
suggestion absent absence off leave tell me know want need have has get got am be been let us send message
english vietnamese weather love joke song play game football cheap buy sell loan crypto win prize`.split(/\s+/));

// Frequent Vietnamese syllables, folded, that are not English words.
const VI = new Set(`cho hoi co khong ko bao nhieu tien hoc phi thang nam ngay mai nay hom qua tuan sau truoc thu chu nhat
chau be con em anh chi minh ban nha truong lop mam non giao vien hieu vay nhe nha oi a da vang duoc dc roi
gi sao nao khi may gio don luc den ve an trua sang chieu toi ngu thuc don mon dong phuc mac ao quan
nghi le tet phu huynh hop le hoi tham quan dang ky nhap ho so tuoi giay to khai sinh om sot thuoc tiem
y te lien he dien thoai dia chi o dau gap nguoi phan anh gop kien khieu nai cam on xin chao tam biet
bi bo di lam voi va hay hoac nhung cac mot hai ba bon tu sau bay tam chin muoi het nop phai mien giam
ho tro ngheo can dan toc khuyet tat chinh sach c e ak nhe nha nhen oi ui ne vs dc ko j r z cj mk trg ck stk
ko khong vang da u uh thoi nhi ha hen kia`.split(/\s+/));

export interface LanguageGuess {
  locale: Locale | null;
  /** Positive: Vietnamese; negative: English. */
  score: number;
  /** How many words only English has. */
  english: number;
}

/** Returns null when the text does not say clearly (short, numbers, emoji): the caller decides. */
export function detectLanguage(text: string): LanguageGuess {
  if (hasVietnameseMarks(text)) return { locale: 'vi', score: 10, english: 0 };
  const tokens = foldDiacritics(text.toLowerCase()).split(/[^a-z']+/).filter(Boolean);
  let score = 0;
  let english = 0;
  for (const raw of tokens) {
    const t = raw.replace(/'.*$/, '');
    const en = EN.has(t) || raw.includes("'");
    const vi = VI.has(t);
    if (en && !vi) { score -= 1; english++; }
    else if (vi && !en) score += 1;
  }
  if (score >= 1) return { locale: 'vi', score, english };
  if (score <= -1 && (score <= -2 || tokens.length <= 2)) return { locale: 'en', score, english };
  return { locale: null, score, english };
}

/** The language for this turn: what the message says, else what the person used before, else Vietnamese. */
export function chooseLocale(text: string, remembered: Locale | null): Locale {
  const guess = detectLanguage(text);
  // One word ("stop", "ok", "menu") is too little to switch someone's language to English; but a
  // short message with Vietnamese cues and no English word at all ("chao c", "dc r") is Vietnamese:
  // parents write Vietnamese by default, and an English writer does not type "c" for "chị".
  const vietnameseOnly = guess.locale === 'vi' && guess.english === 0;
  if (remembered && guess.locale && guess.locale !== remembered && Math.abs(guess.score) < 2 && !vietnameseOnly) return remembered;
  return guess.locale ?? remembered ?? 'vi';
}

const SWITCH_TO_EN = /\b(english( please)?|in english|speak english|tieng anh( di| nhe| duoc khong)?|noi tieng anh)\b/;
const SWITCH_TO_VI = /\b(tieng viet|vietnamese( please)?|in vietnamese|noi tieng viet)\b/;

/** "English please" / "tiếng Việt": an explicit wish to switch language, or null. */
export function languageSwitchRequest(text: string): Locale | null {
  const t = foldDiacritics(text.toLowerCase()).trim();
  if (t.split(/\s+/).length > 6) return null; // a longer sentence merely mentions a language
  if (SWITCH_TO_EN.test(t)) return 'en';
  if (SWITCH_TO_VI.test(t)) return 'vi';
  return null;
}

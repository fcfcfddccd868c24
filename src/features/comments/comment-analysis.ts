// What a comment is about, how it feels, and whether a child's safety is at stake. Lexicons over
// diacritic-free text, so "bạo hành" and "bao hanh" read the same. Staff can correct the category.
import { detectSafetyReport } from '../safety/safety-model.ts';
import { foldDiacritics } from '../../nlu/normalise.ts';
import type { Sentiment, Severity } from '../../store/types.ts';

export const CATEGORIES = ['meals', 'safety', 'teacher_conduct', 'hygiene', 'facilities', 'fees', 'communication', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

const fold = (text: string) => ` ${foldDiacritics(text.normalize('NFC').toLowerCase()).replace(/[^a-z0-9]+/g, ' ').trim()} `;
const has = (t: string, phrase: string) => t.includes(` ${phrase} `);

const CATEGORY_WORDS: Record<Exclude<Category, 'other'>, string[]> = {
  meals: ['an', 'com', 'thuc an', 'thuc don', 'mon', 'bua', 'chao', 'sua', 'nguoi', 'khe', 'chay com', 'do an', 'nau', 'bep', 'bua trua', 'bua phu', 'food', 'meal', 'lunch', 'eat', 'menu'],
  safety: ['nga', 'nguy hiem', 'xuoc', 'chay mau', 'bi thuong', 'u dau', 'sung', 'can', 'cao', 'danh nhau', 'an toan', 'lac', 'cong truong', 'bao ve', 'dien', 'hurt', 'injury', 'bruise', 'bitten', 'unsafe', 'danger', 'fell'],
  teacher_conduct: ['co giao', 'giao vien', 'quat', 'mang', 'danh', 'tat', 'thai do', 'cu xu', 'bao hanh', 'phat', 'khen', 'teacher', 'shouted', 'rude', 'staff'],
  hygiene: ['ve sinh', 'ban', 'hoi', 'muoi', 'nha ve sinh', 'rac', 'chay', 'sach', 'giat', 'toilet', 'bathroom', 'dirty', 'clean', 'mosquito', 'smell'],
  facilities: ['quat', 'dieu hoa', 'do choi', 'san', 'phong hoc', 'hong', 'mai', 'den', 'nong', 'lanh', 'co so vat chat', 'ban ghe', 'toys', 'playground', 'broken', 'hot', 'fan'],
  fees: ['tien', 'hoc phi', 'thu', 'khoan thu', 'phi', 'dong tien', 'nop', 'quy', 'fee', 'fees', 'money', 'pay', 'charge'],
  communication: ['thong bao', 'bao', 'nhan tin', 'zalo', 'lien lac', 'tra loi', 'thong tin', 'nhom', 'inform', 'message', 'reply', 'announcement', 'told'],
};

/** The most likely category, and the others in order (for the quick replies). */
export function rankCategories(text: string): Category[] {
  const t = fold(text);
  const scores = Object.entries(CATEGORY_WORDS)
    .map(([cat, words]) => ({ cat: cat as Category, score: words.reduce((s, w) => s + (has(t, w) ? (w.includes(' ') ? 2 : 1) : 0), 0) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  const ranked = scores.map((x) => x.cat);
  return [...ranked, ...CATEGORIES.filter((c) => !ranked.includes(c))];
}

// Folded words are ambiguous ("chăm"/"chậm", "muốn"/"muộn", "người"/"nguội", "đâu"/"đau"):
// the lexicon uses the phrases that are not.
// "đánh răng" (brush teeth), "đánh thức" (wake up), "đánh giá" (assess)… are not violence.
const NOT_VIOLENCE = /\b(danh (rang|thuc|gia|dau|so|van|trong|dan|phan|may|chu|bong))\b/g;

const NEGATIVE = ['khong hai long', 'khong thong bao', 'khong bao', 'khong ai', 'thu nhieu', 'dat qua', 'buc xuc', 'te qua', 'rat te', 'qua te',
  'kem', 'qua dang', 'that vong', 'lo lang', 'so hai', 'bi so', 'ban', 'bi hong', 'hong roi', 'bi nguoi', 'nguoi lanh', 'com nguoi', 'khe', 'bi dau',
  'dau bung', 'dau dau', 'khoc', 'xuoc', 'nga', 'quat', 'mang', 'danh', 'tat', 'bao hanh', 'bi', 'sai', 'qua cham', 'cham tre', 'den muon', 'tra muon',
  'muon qua', 'thieu', 'phan nan', 'khieu nai', 'nguy hiem', 'unhappy', 'bad', 'dirty', 'angry', 'hurt', 'complain', 'complaint', 'rude', 'worried',
  'cold', 'late', 'broken', 'terrible'];
const POSITIVE = ['cam on', 'hai long', 'tot', 'tuyet', 'yeu', 'tan tinh', 'chu dao', 'khen', 'vui', 'cham soc tot', 'thanks', 'thank', 'great', 'good', 'happy', 'praise', 'love', 'kind', 'excellent'];
const NEGATORS = ['khong', 'chua', 'chang', 'not', 'never', 'no'];

export function sentimentOf(text: string): Sentiment {
  const t = fold(text).replace(NOT_VIOLENCE, ' ');
  const words = t.trim().split(' ');
  let score = 0;
  for (const phrase of POSITIVE) {
    if (!has(t, phrase)) continue;
    // "không tốt", "not good": a negated positive is a negative.
    const first = phrase.split(' ')[0];
    const i = words.indexOf(first);
    score += i > 0 && NEGATORS.includes(words[i - 1]) ? -1 : 1;
  }
  for (const phrase of NEGATIVE) if (has(t, phrase)) score -= phrase === 'bi' ? 0.5 : 1;
  return score <= -1 ? 'negative' : score >= 1 ? 'positive' : 'neutral';
}

const VIOLENCE = ['danh', 'tat', 'bao hanh', 'quat mang', 'nhot', 'troi', 'bop co', 'keo tai', 'hit', 'slap', 'slapped', 'beat', 'abuse', 'abused', 'shouted at'];

export interface Analysis {
  category: Category;
  sentiment: Sentiment;
  severity: Severity;
}

/** Urgent is what the safety detector recognises: a child hurt, missing or in danger (one detector for the chat and the comments). */
export function analyseComment(text: string): Analysis {
  const report = detectSafetyReport(text);
  const t = fold(text).replace(NOT_VIOLENCE, ' ');
  const anyMatch = Object.values(CATEGORY_WORDS).some((ws) => ws.some((w) => has(t, w)));
  // Urgent matters about a child's body are safety first; violence by an adult is conduct.
  const category: Category = report && !(report.kind === 'violence' && report.byAdult) ? 'safety' : anyMatch ? rankCategories(text)[0] : 'other';
  return { category, sentiment: report ? 'negative' : sentimentOf(text), severity: report ? 'urgent' : 'normal' };
}

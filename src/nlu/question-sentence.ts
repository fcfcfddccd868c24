// Parents often write the context first and ask at the end: "Chào cô, em là mẹ bé Bin lớp Mầm 2.
// Dạo này em tăng ca suốt… Cho em hỏi học phí tháng này đóng trước ngày nào ạ?". Read whole, such a
// message looks like none of the intent files' utterances (a greeting, thanks, a story), so it was
// answered with the greeting or "not understood". The question sentence is what needs the answer.
import { foldDiacritics } from './normalise.ts';
import { detectLanguage } from './language.ts';

/** Words that make a sentence a question (folded): Vietnamese particles at its end, English openers. */
const VI_QUESTION_ENDINGS = new Set(['khong', 'ko', 'k', 'hong', 'chua', 'nao', 'gi', 'j', 'dau', 'sao', 'nhi', 'bn', 'may', 'ha', 'hem', 'chu', 'hok', 'kg']);
/** What may follow the particle: politeness and whom it is said to ("… không ạ", "… chưa cô", "… nào vậy chị"). */
const TRAILING = new Set(['a', 'co', 'c', 'chi', 'cj', 'anh', 'em', 'e', 'vay', 'z', 'v', 'dzay', 'zay', 'nhe', 'nha', 'nhen', 'hen', 'ha', 'ah', 'ak', 'oi', 'the', 'ne', 'ta', 'thay', 'ad', 'admin', 'ban', 'b']);
const VI_QUESTION_WORDS = ['bao nhieu', 'bao gio', 'khi nao', 'o dau', 'the nao', 'nhu the nao', 'ntn', 'lam sao', 'cho em hoi', 'cho e hoi', 'cho minh hoi', 'cho toi hoi', 'cho hoi', 'co duoc', 'duoc khong', 'may gio', 'luc nao'];
const EN_QUESTION_OPENERS = new Set(['what', 'when', 'how', 'where', 'which', 'who', 'why', 'is', 'are', 'can', 'could', 'do', 'does', 'did', 'will', 'would', 'should', 'may', 'any']);

/** The message's sentences: split at . ! ? ; and line breaks, each kept when it has two words or more. */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?;…])\s+|\n+/).map((s) => s.trim()).filter((s) => s.split(/\s+/).length >= 2);
}

/** The words without the politeness and address at their end ("… thì sao ạ cô" → "… thì sao"). */
export function withoutPoliteEnd(words: string[]): string[] {
  let end = words.length;
  while (end > 1 && TRAILING.has(words[end - 1])) end--;
  return words.slice(0, end);
}

export function isQuestion(sentence: string): boolean {
  if (/[?？]\s*\W*$/u.test(sentence)) return true;
  const words = foldDiacritics(sentence.toLowerCase()).replace(/[^a-z0-9\s]/g, ' ').split(/\s+/).filter(Boolean);
  if (!words.length) return false;
  // "Do bé bị sốt…", "Cần cô để ý…" fold to English openers: those count in English only.
  if (EN_QUESTION_OPENERS.has(words[0]) && detectLanguage(sentence).locale === 'en') return true;
  // Vietnamese asks with a particle at the end ("… không ạ", "… chưa cô", "… nào vậy"); "… không kịp" is no question.
  if (VI_QUESTION_ENDINGS.has(withoutPoliteEnd(words).at(-1) ?? '')) return true;
  const joined = ` ${words.join(' ')} `;
  return VI_QUESTION_WORDS.some((q) => joined.includes(` ${q} `));
}

/** The last question of a message of several sentences, or null (one sentence, or no question). */
export function lastQuestion(text: string): string | null {
  const sentences = sentencesOf(text);
  if (sentences.length < 2) return null;
  for (let i = sentences.length - 1; i >= 0; i--) if (isQuestion(sentences[i])) return sentences[i];
  return null;
}

// How a form step reads short answers: yes or no, "leave the form", "skip", and whether a message
// asks a question. All of them read the NLU's normalised words ("ko" is "khong", "dc" is "duoc"),
// never a prefix of the raw text: "co giao danh con" is not "có".
import { normalise } from '../nlu/normalise.ts';

/** Words that carry politeness or address, not meaning, in a short answer. */
const PARTICLES = new Set(['a', 'ah', 'nhe', 'nha', 'nhen', 'nhi', 'oi', 'chi', 'em', 'anh', 'minh', 'toi', 'thi', 'roi', 'luon', 'vay', 'ha', 'ne',
  'please', 'pls', 'thanks', 'thank', 'you', 'ok', 'oke', 'okay', 'ad', 'admin', 'ban']);
// "đồng ý", "xác nhận", "chính xác" arrive as two words each.
const YES = new Set(['co', 'u', 'um', 'uh', 'uhm', 'vang', 'da', 'dung', 'duoc', 'yes', 'yep', 'yeah', 'ya', 'y', 'sure', 'gui', 'dong', 'chuan',
  'phai', 'correct', 'right', 'confirm', 'xac', 'nhan', 'chinh', 'go', 'send', 'true']);
const NO = new Set(['khong', 'sai', 'chua', 'no', 'nope', 'nah', 'not', 'wrong', 'incorrect']);

const words = (text: string) => normalise(text).tokens;
const meaningful = (text: string) => words(text).filter((w) => !PARTICLES.has(w));

/** "có ạ", "vâng", "dạ đúng rồi", "ok" → yes; "ko", "không ạ", "sai rồi", "no" → no; anything longer or else → null. */
export function yesOrNo(text: string): 'yes' | 'no' | null {
  const all = words(text);
  if (all.length === 0 || all.length > 5) return null;
  const rest = all.filter((w) => !PARTICLES.has(w));
  if (rest.length === 0) return all.includes('ok') || all.includes('oke') || all.includes('okay') ? 'yes' : null;
  if (!rest.every((w) => YES.has(w) || NO.has(w))) return null;
  return rest.some((w) => NO.has(w)) ? 'no' : 'yes';
}

const LEAVE: string[][] = [['thoi'], ['huy'], ['khong', 'can'], ['bo', 'qua'], ['de', 'sau'], ['khong', 'muon'], ['dung', 'lai'], ['cancel'],
  ['never', 'mind'], ['forget', 'it'], ['stop'], ['quit'], ['exit'], ['not', 'now'], ['khong', 'gui'], ['khong', 'bao', 'nghi'], ['no', 'thanks']];

const contains = (ws: string[], phrase: string[]) => ws.some((_, i) => phrase.every((p, k) => ws[i + k] === p));

const startsWith = (ws: string[], phrase: string[]) => phrase.every((p, k) => ws[k] === p);

/** "thôi", "hủy", "thôi không cần nữa", "thôi em gọi cô rồi", "never mind": the person leaves the form. */
export function leavesForm(text: string): boolean {
  const rest = meaningful(text).filter((w) => w !== 'nua');
  if (rest.length === 0) return false;
  return LEAVE.some((p) => startsWith(rest, p)) || (rest.length <= 5 && LEAVE.some((p) => contains(rest, p)));
}

const CORRECTION: string[][] = [['nham'], ['sai'], ['chu', 'khong', 'phai'], ['khong', 'phai'], ['sorry'], ['meant'], ['i', 'mean'], ['not'], ['sua', 'lai'], ['doi', 'lai']];

/**
 * Whether a message may correct an earlier answer: it says so ("em nhầm", "sorry, I meant"), or it
 * is short enough to be only that ("lớp Lá A2 ạ"). A long description that names a class is not one.
 */
export function mayCorrect(text: string): boolean {
  return meaningful(text).length <= 4 || correctsItself(text);
}

/** "à nhầm", "sorry, I meant", "chứ không phải": the message takes back something said before. */
export const correctsItself = (text: string) => CORRECTION.some((p) => contains(meaningful(text), p));

/** "không có", "bỏ qua", "skip", "none": nothing to add for an optional question. */
export function skipsAnswer(text: string): boolean {
  const rest = meaningful(text);
  return rest.length > 0 && rest.length <= 4 && (contains(rest, ['bo', 'qua']) || ['skip', 'none', 'no', 'khong', 'nothing'].includes(rest[0]));
}

const QUESTION_WORDS: string[][] = [['bao', 'nhieu'], ['may'], ['nao'], ['gi'], ['dau'], ['sao'], ['bao', 'gio'], ['khi', 'nao'], ['chua'], ['hoi'],
  ['the', 'nao'], ['nhu', 'the', 'nao'], ['how'], ['what'], ['when'], ['where'], ['which'], ['who'], ['why'], ['is', 'there'], ['are', 'there'],
  ['do', 'you'], ['does'], ['can', 'i'], ['co', 'phai']];

/** Whether a message asks something: a question mark, a question word, or "có … không" at the end. */
export function asksQuestion(text: string): boolean {
  if (text.includes('?')) return true;
  const ws = words(text);
  if (ws.length < 2) return false;
  if (ws[ws.length - 1] === 'khong' || ws[ws.length - 2] === 'khong') return true;
  return QUESTION_WORDS.some((p) => contains(ws, p));
}

/** The number of words in a message that say something (for "is this a description or a one-word reply"). */
export const contentWords = (text: string) => meaningful(text).length;

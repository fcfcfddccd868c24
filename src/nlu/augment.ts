// Training data the way parents really type it: each utterance also without diacritics, with the
// usual abbreviations, and with or without the polite particles. The normaliser folds most of
// these back, so what remains after de-duplication is what it cannot.
import { foldDiacritics } from './normalise.ts';

const ABBREVIATE: [RegExp, string][] = [
  [/\bkhông\b/g, 'ko'], [/\bkhong\b/g, 'k'], [/\bđược\b/g, 'dc'], [/\bbao nhiêu\b/g, 'bn'], [/\bgì\b/g, 'j'],
  [/\bhọc phí\b/g, 'hp'], [/\bsố điện thoại\b/g, 'sdt'], [/\bthứ ([2-7])\b/g, 't$1'], [/\bnhư thế nào\b/g, 'ntn'],
  [/\bvới\b/g, 'vs'], [/\brồi\b/g, 'r'], [/\bbao giờ\b/g, 'bh'], [/\bphụ huynh\b/g, 'ph'], [/\bgiờ\b/g, 'h'],
];
const PARTICLES = /\s+(ạ|a|nhé|nhe|nha|ơi|oi|vậy|vay|với|đi)$/u;

export function augmentVietnamese(utterance: string): string[] {
  const base = utterance.normalize('NFC').toLowerCase();
  const out = new Set([base, foldDiacritics(base)]);
  let abbreviated = base;
  for (const [re, to] of ABBREVIATE) abbreviated = abbreviated.replace(re, to);
  out.add(abbreviated);
  out.add(foldDiacritics(abbreviated));
  if (PARTICLES.test(base)) out.add(base.replace(PARTICLES, ''));
  else out.add(`${foldDiacritics(base)} a`);
  return [...out];
}

// How alike two messages are, as a parent would see it: diacritics, case, abbreviations ("hp",
// "ko") and punctuation ignored (the NLU's normaliser), then the overlap of character trigrams.
import { normalise } from '../../nlu/normalise.ts';

/** The normalised text: what similar messages share. */
export const comparable = (text: string): string => normalise(text).tokens.join(' ');

function trigrams(text: string): Map<string, number> {
  const padded = ` ${text} `;
  const grams = new Map<string, number>();
  for (let i = 0; i + 3 <= padded.length; i++) {
    const g = padded.slice(i, i + 3);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient of character trigrams of two normalised texts: 1 is the same, 0 nothing shared. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const ga = trigrams(a);
  const gb = trigrams(b);
  let shared = 0;
  let total = 0;
  for (const [g, n] of ga) {
    shared += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total === 0 ? 0 : (2 * shared) / total;
}

/** Near-identical utterances: the same words give or take a particle or a typo. */
export const NEAR_DUPLICATE = 0.85;

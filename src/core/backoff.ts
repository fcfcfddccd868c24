/**
 * Exponential back-off with jitter: attempt 0 waits between half and all of `baseMs`, each later
 * attempt twice as long, never more than `maxMs`. The jitter keeps many retries from landing at once.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

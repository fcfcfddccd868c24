// Link codes tie a staff member's own chat account to their user. Whoever holds one becomes that
// user on chat (the principal's alerts, new comments, today's absences), so a code is long and
// random, only the newest one of a person works, it is never taken on the open web chat, and a
// conversation (or an address) that keeps guessing is paused.
import { createHash, randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: a code is read off a screen and typed on a phone. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const LINK_CODE_LENGTH = 10;

/** A message that looks like a link code (right or wrong): every such message counts as a try. */
export const LINK_CODE = /^\s*LOA-?([A-Z0-9]{4,20})\s*$/i;

/** A new code from the CSPRNG: 31^10 ≈ 8·10^14 possibilities. */
export function newLinkCode(): string {
  let s = '';
  for (let i = 0; i < LINK_CODE_LENGTH; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `LOA-${s}`;
}

/**
 * What is stored for a code: its SHA-256, so that a copy of the database links nobody. What someone
 * typed is upper-cased first ("loa-abcd…" and "LOA-ABCD…" are the same code).
 */
export const storedLinkCode = (code: string) => createHash('sha256').update(code.toUpperCase()).digest('hex');
export const canonicalLinkCode = (typed: string) => storedLinkCode(`LOA-${typed}`);

export const LINK_CODE_MAX_TRIES = 5;
export const LINK_CODE_PAUSE_MS = 15 * 60_000;

/** Wrong tries per key (a conversation, an IP address): after 5, nothing is checked for 15 minutes. */
export class LinkCodeGuard {
  private readonly tries = new Map<string, { count: number; since: number }>();

  constructor(private readonly now: () => number = Date.now, private readonly maxTries = LINK_CODE_MAX_TRIES, private readonly pauseMs = LINK_CODE_PAUSE_MS) {}

  paused(...keys: string[]): boolean {
    return keys.some((k) => {
      const t = this.tries.get(k);
      if (!t) return false;
      if (this.now() - t.since > this.pauseMs) {
        this.tries.delete(k);
        return false;
      }
      return t.count >= this.maxTries;
    });
  }

  fail(...keys: string[]): void {
    if (this.tries.size > 100_000) this.prune();
    for (const k of keys) {
      const t = this.tries.get(k);
      if (!t || this.now() - t.since > this.pauseMs) this.tries.set(k, { count: 1, since: this.now() });
      else t.count++;
    }
  }

  succeed(...keys: string[]): void {
    for (const k of keys) this.tries.delete(k);
  }

  private prune(): void {
    for (const [k, t] of this.tries) if (this.now() - t.since > this.pauseMs) this.tries.delete(k);
  }
}

// Token buckets: `capacity` messages at once, refilled at `perMinute`. Used to stay well under
// what a platform tolerates (and, for zca-js, under what gets a personal account locked).

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly capacity: number, private readonly perMinute: number, private readonly now: () => number = Date.now) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes a token if there is one; otherwise says how long until there will be. */
  take(): { ok: true } | { ok: false; waitMs: number } {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.ceil(((1 - this.tokens) / this.perMinute) * 60_000) };
  }

  /** Gives back a token taken for a send that did not happen. */
  putBack(): void {
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 60_000) * this.perMinute);
    this.last = t;
  }
}

/** One bucket per key (a thread, an account), created on first use. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly capacity: number, private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  get(key: string): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.capacity, this.perMinute, this.now);
      this.buckets.set(key, b);
    }
    return b;
  }
}

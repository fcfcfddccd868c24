// Limits that keep one address or one conversation from flooding Loa: token buckets per key,
// `perMinute` refilled and `burst` at once. Buckets that have refilled are forgotten, so an
// attacker who makes up a new key for every request costs memory only while they are limited.

export class KeyedLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly burst: number;

  /** perMinute 0 turns the limit off. */
  constructor(readonly name: string, private readonly perMinute: number, burst?: number, private readonly now: () => number = Date.now, private readonly maxKeys = 200_000) {
    this.burst = Math.max(1, burst ?? Math.ceil(perMinute / 2));
  }

  get on(): boolean {
    return this.perMinute > 0;
  }

  /** Takes one token for the key; false when the key has none left. */
  take(key: string): boolean {
    if (!this.on) return true;
    const t = this.now();
    let b = this.buckets.get(key);
    if (b) {
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 60_000) * this.perMinute);
      b.at = t;
    } else {
      if (this.buckets.size >= this.maxKeys) this.prune(t);
      b = { tokens: this.burst, at: t };
      this.buckets.set(key, b);
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Milliseconds until the key has a token again (0 when it has one). */
  waitMs(key: string): number {
    const b = this.buckets.get(key);
    if (!this.on || !b) return 0;
    const tokens = Math.min(this.burst, b.tokens + ((this.now() - b.at) / 60_000) * this.perMinute);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / this.perMinute) * 60_000);
  }

  /** Whether the key has a token left, without taking it. */
  peek(key: string): boolean {
    if (!this.on) return true;
    const b = this.buckets.get(key);
    if (!b) return true;
    return Math.min(this.burst, b.tokens + ((this.now() - b.at) / 60_000) * this.perMinute) >= 1;
  }

  private prune(t: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + ((t - b.at) / 60_000) * this.perMinute >= this.burst) this.buckets.delete(k);
    // Still full of limited keys: forget the oldest rather than grow without bound.
    if (this.buckets.size >= this.maxKeys) for (const k of [...this.buckets.keys()].slice(0, this.maxKeys / 10)) this.buckets.delete(k);
  }
}

export interface RateLimitSettings {
  chatPerIp: number;
  chatPerConversation: number;
  newContactsPerIpPerHour: number;
  webhookPerIp: number;
  webhookPerConversation: number;
}

/** Every limit Loa keeps, made once from the configuration; `hit` counts refusals (for /metrics). */
export class RateLimits {
  readonly chatIp: KeyedLimiter;
  readonly chatConversation: KeyedLimiter;
  readonly newContactsIp: KeyedLimiter;
  readonly webhookIp: KeyedLimiter;
  readonly webhookConversation: KeyedLimiter;
  private readonly listeners: ((limit: string) => void)[] = [];

  constructor(s: RateLimitSettings, now: () => number = Date.now) {
    this.chatIp = new KeyedLimiter('chat_ip', s.chatPerIp, undefined, now);
    this.chatConversation = new KeyedLimiter('chat_conversation', s.chatPerConversation, undefined, now);
    // New contacts: a whole hour's allowance may come at once (a class meeting on the school Wi-Fi).
    this.newContactsIp = new KeyedLimiter('new_contacts_ip', s.newContactsPerIpPerHour / 60, s.newContactsPerIpPerHour, now);
    this.webhookIp = new KeyedLimiter('webhook_ip', s.webhookPerIp, undefined, now);
    this.webhookConversation = new KeyedLimiter('webhook_conversation', s.webhookPerConversation, undefined, now);
  }

  onHit(listener: (limit: string) => void): void {
    this.listeners.push(listener);
  }

  /** Takes a token; on refusal tells the listeners which limit said no. */
  take(limiter: KeyedLimiter, key: string): boolean {
    if (limiter.take(key)) return true;
    for (const l of this.listeners) l(limiter.name);
    return false;
  }
}

// Something an admin must act on (a revoked token, a session opened elsewhere, a used-up quota, an
// urgent comment): stored (GET /api/admin/alerts: every one, always), logged, and sent to staff on
// chat once they have linked an account. On chat a flood must not drown a real emergency: one
// alert per parent within 10 minutes, and beyond a few a minute the rest wait for one digest.
import type { Logger } from 'pino';
import type { Store } from '../../store/types.ts';

/** Alerts about Loa itself, whose text may be logged; others may quote a parent and are logged by id. */
const ABOUT_LOA = new Set(['disk_low', 'store_write_failed', 'backup_failed', 'messenger_token', 'zalo_oa_quota', 'zalo_oa_token', 'zalo_personal']);

export type StaffNotifier = (message: string) => Promise<void>;

export interface AlertThrottle {
  /** Alerts sent on chat at once per window; the rest go in the window's digest. */
  perWindow: number;
  windowMs: number;
  /** A second alert about the same parent within this time is stored but not sent again. */
  sameParentMs: number;
}

export const DEFAULT_THROTTLE: AlertThrottle = { perWindow: 3, windowMs: 60_000, sameParentMs: 10 * 60_000 };

export class AlertService {
  private notifier: StaffNotifier | null = null;
  private windowStart = 0;
  private sentInWindow = 0;
  private digest: { kind: string; message: string }[] = [];
  private digestTimer: NodeJS.Timeout | null = null;
  private readonly lastByParent = new Map<string, number>();
  private readonly listeners: ((kind: string) => void)[] = [];

  constructor(private readonly deps: { store: Store; logger: Logger; clock: () => Date; throttle?: Partial<AlertThrottle> }) {}

  private get throttle(): AlertThrottle {
    return { ...DEFAULT_THROTTLE, ...this.deps.throttle };
  }

  /** Where alerts go on chat; wired once staff contacts exist. */
  setNotifier(notifier: StaffNotifier): void {
    this.notifier = notifier;
  }

  /** Called with each alert's kind (for /metrics). */
  onRaise(listener: (kind: string) => void): void {
    this.listeners.push(listener);
  }

  async raise(kind: string, message: string, details: unknown = null): Promise<void> {
    // The log names the alert, not its text: an urgent comment's words are a parent's, and stay
    // in the store (GET /api/admin/alerts), where access is controlled.
    let id: number | null = null;
    try {
      id = (await this.deps.store.alerts.append({ at: this.deps.clock().toISOString(), kind, message, details })).id;
    } finally {
      this.deps.logger.error({ kind, alert: id }, ABOUT_LOA.has(kind) ? message : 'alert raised');
    }
    for (const l of this.listeners) l(kind);
    if (!this.notifier) return;
    const now = Date.now();
    const parent = (details as { contactId?: unknown } | null)?.contactId;
    if (typeof parent === 'string') {
      const last = this.lastByParent.get(parent);
      if (last !== undefined && now - last < this.throttle.sameParentMs) return; // stored, listed, not sent twice
      if (this.lastByParent.size > 10_000) this.lastByParent.clear();
      this.lastByParent.set(parent, now);
    }
    if (now - this.windowStart >= this.throttle.windowMs) {
      this.windowStart = now;
      this.sentInWindow = 0;
    }
    if (this.sentInWindow < this.throttle.perWindow) {
      this.sentInWindow++;
      await this.notify(message);
      return;
    }
    this.digest.push({ kind, message });
    this.digestTimer ??= setTimeout(() => void this.flushDigest(), Math.max(0, this.windowStart + this.throttle.windowMs - now)).unref();
  }

  /** Sends the alerts held back in this window as one message. */
  async flushDigest(): Promise<void> {
    if (this.digestTimer) clearTimeout(this.digestTimer);
    this.digestTimer = null;
    const held = this.digest;
    this.digest = [];
    if (held.length === 0) return;
    const lines = held.slice(0, 10).map((a) => `• ${a.message.slice(0, 120)}`);
    const more = held.length > 10 ? [`… và ${held.length - 10} cảnh báo khác`] : [];
    await this.notify([`⚠️ ${held.length} cảnh báo nữa trong phút qua (xem tất cả: /api/admin/alerts):`, ...lines, ...more].join('\n'));
  }

  /** Stops the digest timer (the held alerts stay in the admin API). */
  stop(): void {
    if (this.digestTimer) clearTimeout(this.digestTimer);
    this.digestTimer = null;
  }

  private async notify(message: string): Promise<void> {
    await this.notifier?.(message).catch((err) => this.deps.logger.error({ err }, 'could not notify staff of an alert'));
  }

  /** A function for components that only need to raise one kind of alert. */
  forKind(kind: string): (message: string) => Promise<void> {
    return (message) => this.raise(kind, message);
  }
}

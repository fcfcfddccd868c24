// Something an admin must act on (a revoked token, a session opened elsewhere, a used-up quota):
// stored (GET /api/admin/alerts), logged, and sent to staff on chat once they have linked an
// account.
import type { Logger } from 'pino';
import type { Store } from '../../store/types.ts';

/** Alerts about Loa itself, whose text may be logged; others may quote a parent and are logged by id. */
const ABOUT_LOA = new Set(['disk_low', 'store_write_failed', 'backup_failed', 'messenger_token', 'zalo_oa_quota', 'zalo_oa_token', 'zalo_personal']);

export type StaffNotifier = (message: string) => Promise<void>;

export class AlertService {
  private notifier: StaffNotifier | null = null;

  constructor(private readonly deps: { store: Store; logger: Logger; clock: () => Date }) {}

  /** Where alerts go on chat; wired once staff contacts exist. */
  setNotifier(notifier: StaffNotifier): void {
    this.notifier = notifier;
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
    await this.notifier?.(message).catch((err) => this.deps.logger.error({ err }, 'could not notify staff of an alert'));
  }

  /** A function for components that only need to raise one kind of alert. */
  forKind(kind: string): (message: string) => Promise<void> {
    return (message) => this.raise(kind, message);
  }
}

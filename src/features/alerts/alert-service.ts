// Something an admin must act on (a revoked token, a session opened elsewhere, a used-up quota):
// stored (GET /api/admin/alerts), logged, and sent to staff on chat once they have linked an
// account.
import type { Logger } from 'pino';
import type { Store } from '../../store/types.ts';

export type StaffNotifier = (message: string) => Promise<void>;

export class AlertService {
  private notifier: StaffNotifier | null = null;

  constructor(private readonly deps: { store: Store; logger: Logger; clock: () => Date }) {}

  /** Where alerts go on chat; wired once staff contacts exist. */
  setNotifier(notifier: StaffNotifier): void {
    this.notifier = notifier;
  }

  async raise(kind: string, message: string, details: unknown = null): Promise<void> {
    this.deps.logger.error({ kind }, message);
    await this.deps.store.alerts.append({ at: this.deps.clock().toISOString(), kind, message, details });
    await this.notifier?.(message).catch((err) => this.deps.logger.error({ err }, 'could not notify staff of an alert'));
  }

  /** A function for components that only need to raise one kind of alert. */
  forKind(kind: string): (message: string) => Promise<void> {
    return (message) => this.raise(kind, message);
  }
}

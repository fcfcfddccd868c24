// Messages to staff on their own chat accounts (linked with a one-time code): alerts to the
// principal and admins, absence notices to a class's teachers, reminders of overdue comments.
// They go through the outbox like every message, so window rules and retries apply.
import type { Outbox } from '../../core/outbox.ts';
import type { Role, Store, User } from '../../store/types.ts';
import { LinkCodeGuard, newLinkCode, storedLinkCode } from './link-codes.ts';

export { LINK_CODE } from './link-codes.ts';
const LINK_CODE_MINUTES = 30;

export class StaffNotifier {
  /** Wrong link-code tries per conversation and per web-chat address. */
  readonly linkGuard: LinkCodeGuard;

  constructor(private readonly deps: { store: Store; outbox: Outbox; clock: () => Date }) {
    this.linkGuard = new LinkCodeGuard(() => deps.clock().getTime());
  }

  /** A one-time code the staff member sends to the bot from their own account; older ones stop working. */
  async newLinkCode(userId: string): Promise<{ code: string; expiresAt: string }> {
    const code = newLinkCode();
    const expiresAt = new Date(this.deps.clock().getTime() + LINK_CODE_MINUTES * 60_000).toISOString();
    await this.deps.store.staffLinks.createCode(storedLinkCode(code), userId, expiresAt);
    return { code, expiresAt };
  }

  async notifyUsers(users: User[], text: string): Promise<number> {
    let reached = 0;
    for (const user of users) {
      for (const link of await this.deps.store.staffLinks.forUser(user.id)) {
        await this.deps.outbox.sendProactive(link.ref, [{ type: 'text', text }]);
        reached++;
      }
    }
    return reached;
  }

  async usersWithRole(...roles: Role[]): Promise<User[]> {
    return (await this.deps.store.users.list()).filter((u) => !u.disabled && roles.includes(u.role));
  }

  /** The staff who look after a class (staff users limited to it). */
  async classStaff(classId: string): Promise<User[]> {
    return (await this.deps.store.users.list()).filter((u) => !u.disabled && u.role === 'staff' && u.classIds.includes(classId));
  }

  notifyRoles(roles: Role[], text: string): Promise<number> {
    return this.usersWithRole(...roles).then((users) => this.notifyUsers(users, text));
  }
}

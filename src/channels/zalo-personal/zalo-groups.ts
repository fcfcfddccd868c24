// The class Zalo groups the school's account is in, discovered from zca-js, so staff can map a
// group to a class (announcements to that class also post in the group) and decide whether the
// bot may answer there.
import type { Store } from '../../store/types.ts';
import type { ConversationRef } from '../../core/messages.ts';

export interface ZaloGroup {
  id: string;
  name: string;
  memberCount: number;
  /** The class this group belongs to, set by staff; null until mapped. */
  classId: string | null;
  /** Whether the bot answers every message in this group, not only when mentioned. */
  allowBot: boolean;
  discoveredAt: string;
}

const COLLECTION = 'zalo_groups';

/** Where a post into a class Zalo group goes, from the school's account. */
export function groupRef(groupId: string, accountId: string): ConversationRef {
  return { channel: 'zalo_personal', accountId, userId: groupId, threadId: groupId, threadType: 'group' };
}

export class ZaloGroupDirectory {
  constructor(private readonly store: Store) {}

  async list(): Promise<ZaloGroup[]> {
    return (await this.store.documents.list<ZaloGroup>(COLLECTION)).map((d) => d.value).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(id: string): Promise<ZaloGroup | null> {
    return this.store.documents.get<ZaloGroup>(COLLECTION, id);
  }

  /** Records what discovery found, keeping the staff's mapping of known groups. */
  async upsertDiscovered(found: { id: string; name: string; memberCount: number }[], at: string): Promise<void> {
    for (const g of found) {
      const existing = await this.get(g.id);
      await this.store.documents.put(COLLECTION, g.id, {
        id: g.id, name: g.name, memberCount: g.memberCount,
        classId: existing?.classId ?? null, allowBot: existing?.allowBot ?? false, discoveredAt: at,
      } satisfies ZaloGroup, at);
    }
  }

  async update(id: string, patch: Partial<Pick<ZaloGroup, 'classId' | 'allowBot'>>, at: string): Promise<ZaloGroup | null> {
    const existing = await this.get(id);
    if (!existing) return null;
    const next = { ...existing, ...patch };
    await this.store.documents.put(COLLECTION, id, next, at);
    return next;
  }

  async forClass(classId: string): Promise<ZaloGroup[]> {
    return (await this.list()).filter((g) => g.classId === classId);
  }
}

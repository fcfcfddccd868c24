// Audience groups: one per class (from the school data), "school" (every subscribed family),
// "staff" (staff who linked their chat account), and custom groups staff create.
import type { Store } from '../../store/types.ts';
import { SCHOOL_GROUP, STAFF_GROUP } from '../../store/types.ts';
import type { SchoolService } from '../../school/school-service.ts';

export interface AudienceGroup {
  id: string;
  name: string;
  kind: 'class' | 'school' | 'staff' | 'custom';
}

const COLLECTION = 'custom_groups';

export class GroupDirectory {
  constructor(private readonly deps: { store: Store; school: SchoolService }) {}

  async list(): Promise<AudienceGroup[]> {
    const classes = this.deps.school.get('classes').map((c) => ({ id: c.id, name: c.name, kind: 'class' as const }));
    const custom = (await this.deps.store.documents.list<AudienceGroup>(COLLECTION)).map((d) => d.value);
    return [
      { id: SCHOOL_GROUP, name: 'Toàn trường', kind: 'school' },
      ...classes,
      { id: STAFF_GROUP, name: 'Cán bộ, giáo viên', kind: 'staff' },
      ...custom,
    ];
  }

  async get(id: string): Promise<AudienceGroup | null> {
    return (await this.list()).find((g) => g.id === id) ?? null;
  }

  /** The ids among `ids` that are not groups. */
  async unknown(ids: string[]): Promise<string[]> {
    const known = new Set((await this.list()).map((g) => g.id));
    return ids.filter((id) => !known.has(id));
  }

  async createCustom(id: string, name: string, at: string): Promise<AudienceGroup> {
    const group: AudienceGroup = { id, name, kind: 'custom' };
    await this.deps.store.documents.put(COLLECTION, id, group, at);
    return group;
  }
}

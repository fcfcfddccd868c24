// The school's data as the bot sees it: seeded from school/*.yaml on first start, then kept in
// the store so admins can edit a section without redeploying. Reads come from memory.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import type { DocumentRepository } from '../store/types.ts';
import { SCHOOL_SECTIONS, type SchoolData, type SchoolSection } from './school-schema.ts';
import { formatIssues } from '../core/validation.ts';

const COLLECTION = 'school';
const META = 'school_meta';

/** Where a stored section came from: the file it was loaded from, and whether an admin edited it. */
interface SectionMeta {
  fileHash: string | null;
  editedAt: string | null;
}

export class SchoolDataError extends Error {}

export function parseSection<K extends SchoolSection>(section: K, value: unknown): SchoolData[K] {
  const result = SCHOOL_SECTIONS[section].safeParse(value);
  if (!result.success) throw new SchoolDataError(`school data "${section}" is invalid: ${formatIssues(result.error)}`);
  return result.data as SchoolData[K];
}

export class SchoolService {
  /** Changes whenever a section is replaced: answers computed from older data are stale. */
  version = 0;

  private constructor(private data: SchoolData, private readonly documents: DocumentRepository) {}

  /**
   * Loads from the store, seeding any section the store lacks from the folder. A file changed since
   * it was loaded (a school replacing school/*.yaml) is loaded again, unless someone has edited that
   * section through the admin API since: then the store wins and the log says so.
   */
  static async open(documents: DocumentRepository, seedDir: string, now = new Date(), onConflict?: (message: string) => void): Promise<SchoolService> {
    const data: Partial<SchoolData> = {};
    for (const section of Object.keys(SCHOOL_SECTIONS) as SchoolSection[]) {
      const file = path.join(seedDir, `${section}.yaml`);
      const fileText = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
      const fileHash = fileText === null ? null : createHash('sha256').update(fileText).digest('hex');
      const stored = await documents.get(COLLECTION, section);
      const meta = await documents.get<SectionMeta>(META, section);
      const fileChanged = fileHash !== null && meta?.fileHash !== fileHash;
      if (stored != null && !(fileChanged && !meta?.editedAt)) {
        if (fileChanged && meta?.editedAt) onConflict?.(`${file} changed, but "${section}" was edited through the admin API on ${meta.editedAt}: keeping the edited version`);
        (data as Record<string, unknown>)[section] = parseSection(section, stored);
        continue;
      }
      if (fileText === null) throw new SchoolDataError(`school data file missing: ${file}`);
      const value = parseSection(section, YAML.parse(fileText));
      (data as Record<string, unknown>)[section] = value;
      await documents.put(COLLECTION, section, value, now.toISOString());
      await documents.put(META, section, { fileHash, editedAt: null } satisfies SectionMeta, now.toISOString());
    }
    return new SchoolService(data as SchoolData, documents);
  }

  get<K extends SchoolSection>(section: K): SchoolData[K] {
    return this.data[section];
  }

  get all(): SchoolData {
    return this.data;
  }

  /** Validates and stores a new version of one section; answers use it from the next message on. */
  async replace<K extends SchoolSection>(section: K, value: unknown, now = new Date()): Promise<SchoolData[K]> {
    const parsed = parseSection(section, value);
    await this.documents.put(COLLECTION, section, parsed, now.toISOString());
    const meta = await this.documents.get<SectionMeta>(META, section);
    await this.documents.put(META, section, { fileHash: meta?.fileHash ?? null, editedAt: now.toISOString() } satisfies SectionMeta, now.toISOString());
    this.data = { ...this.data, [section]: parsed };
    this.version++;
    return parsed;
  }
}

// The school's data as the bot sees it: seeded from school/*.yaml on first start, then kept in
// the store so admins can edit a section without redeploying. Reads come from memory.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import type { DocumentRepository } from '../store/types.ts';
import { SCHOOL_SECTIONS, type SchoolData, type SchoolSection } from './school-schema.ts';
import { formatIssues } from '../core/validation.ts';
import type { z } from '@botpress/sdk';

const COLLECTION = 'school';
const META = 'school_meta';

/** Where a stored section came from: the file it was loaded from, and whether an admin edited it. */
interface SectionMeta {
  fileHash: string | null;
  editedAt: string | null;
  /** Bumped by every save: an edit based on an older version is refused (stale). */
  version?: number;
}

export class SchoolDataError extends Error {
  constructor(message: string, readonly issues: z.ZodIssue[] = []) {
    super(message);
  }
}

/** Someone saved the section since the version an edit started from. */
export class StaleSchoolDataError extends Error {}

export function parseSection<K extends SchoolSection>(section: K, value: unknown): SchoolData[K] {
  const result = SCHOOL_SECTIONS[section].safeParse(value);
  if (!result.success) throw new SchoolDataError(`school data "${section}" is invalid: ${formatIssues(result.error)}`, result.error.issues);
  return result.data as SchoolData[K];
}

export class SchoolService {
  /** Changes whenever a section is replaced: answers computed from older data are stale. */
  version = 0;

  private constructor(private data: SchoolData, private readonly documents: DocumentRepository, private readonly versions: Map<SchoolSection, number> = new Map()) {}

  /** The section's version: what an edit must start from to be saved. */
  versionOf(section: SchoolSection): number {
    return this.versions.get(section) ?? 0;
  }

  /**
   * Loads from the store, seeding any section the store lacks from the folder. A file changed since
   * it was loaded (a school replacing school/*.yaml) is loaded again, unless someone has edited that
   * section through the admin API since: then the store wins and the log says so.
   */
  static async open(documents: DocumentRepository, seedDir: string, now = new Date(), onConflict?: (message: string) => void): Promise<SchoolService> {
    const data: Partial<SchoolData> = {};
    const versions = new Map<SchoolSection, number>();
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
        versions.set(section, meta?.version ?? 0);
        continue;
      }
      if (fileText === null) throw new SchoolDataError(`school data file missing: ${file}`);
      const value = parseSection(section, YAML.parse(fileText));
      (data as Record<string, unknown>)[section] = value;
      await documents.put(COLLECTION, section, value, now.toISOString());
      const version = meta ? (meta.version ?? 0) + 1 : 0;
      versions.set(section, version);
      await documents.put(META, section, { fileHash, editedAt: null, version } satisfies SectionMeta, now.toISOString());
    }
    return new SchoolService(data as SchoolData, documents, versions);
  }

  get<K extends SchoolSection>(section: K): SchoolData[K] {
    return this.data[section];
  }

  get all(): SchoolData {
    return this.data;
  }

  /** Validates and stores a new version of one section; answers use it from the next message on. */
  async replace<K extends SchoolSection>(section: K, value: unknown, now = new Date(), expectedVersion?: number): Promise<SchoolData[K]> {
    const parsed = parseSection(section, value);
    if (expectedVersion !== undefined && expectedVersion !== this.versionOf(section)) throw new StaleSchoolDataError(section);
    const version = this.versionOf(section) + 1;
    this.versions.set(section, version);
    await this.documents.put(COLLECTION, section, parsed, now.toISOString());
    const meta = await this.documents.get<SectionMeta>(META, section);
    await this.documents.put(META, section, { fileHash: meta?.fileHash ?? null, editedAt: now.toISOString(), version } satisfies SectionMeta, now.toISOString());
    this.data = { ...this.data, [section]: parsed };
    this.version++;
    return parsed;
  }
}

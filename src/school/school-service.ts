// The school's data as the bot sees it: seeded from school/*.yaml on first start, then kept in
// the store so admins can edit a section without redeploying. Reads come from memory.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { DocumentRepository } from '../store/types.ts';
import { SCHOOL_SECTIONS, type SchoolData, type SchoolSection } from './school-schema.ts';
import { formatIssues } from '../core/validation.ts';

const COLLECTION = 'school';

export class SchoolDataError extends Error {}

export function parseSection<K extends SchoolSection>(section: K, value: unknown): SchoolData[K] {
  const result = SCHOOL_SECTIONS[section].safeParse(value);
  if (!result.success) throw new SchoolDataError(`school data "${section}" is invalid: ${formatIssues(result.error)}`);
  return result.data as SchoolData[K];
}

/** Reads and validates every section file in a folder (school/profile.yaml, ...). */
export function readSchoolDir(dir: string): SchoolData {
  const data: Partial<SchoolData> = {};
  for (const section of Object.keys(SCHOOL_SECTIONS) as SchoolSection[]) {
    const file = path.join(dir, `${section}.yaml`);
    if (!fs.existsSync(file)) throw new SchoolDataError(`school data file missing: ${file}`);
    (data as Record<string, unknown>)[section] = parseSection(section, YAML.parse(fs.readFileSync(file, 'utf8')));
  }
  return data as SchoolData;
}

export class SchoolService {
  /** Changes whenever a section is replaced: answers computed from older data are stale. */
  version = 0;

  private constructor(private data: SchoolData, private readonly documents: DocumentRepository) {}

  /** Loads from the store, seeding any section the store lacks from the folder. */
  static async open(documents: DocumentRepository, seedDir: string, now = new Date()): Promise<SchoolService> {
    let seed: SchoolData | null = null;
    const data: Partial<SchoolData> = {};
    for (const section of Object.keys(SCHOOL_SECTIONS) as SchoolSection[]) {
      const stored = await documents.get(COLLECTION, section);
      if (stored != null) {
        (data as Record<string, unknown>)[section] = parseSection(section, stored);
      } else {
        seed ??= readSchoolDir(seedDir);
        (data as Record<string, unknown>)[section] = seed[section];
        await documents.put(COLLECTION, section, seed[section], now.toISOString());
      }
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
    this.data = { ...this.data, [section]: parsed };
    this.version++;
    return parsed;
  }
}

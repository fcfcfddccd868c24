// Channel secrets (the Zalo OA access and refresh tokens, the personal Zalo account's session)
// are encrypted at rest with AES-256-GCM under SECRETS_KEY, which lives in the environment only:
// a copied loa.db or backup does not give the school's accounts away.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DocumentRepository } from './types.ts';

/** Collections whose documents are sealed. */
export const SECRET_COLLECTIONS = new Set(['channel_state']);
const PREFIX = 'aes-256-gcm:v1:';

export class SecretsKeyError extends Error {}

/** SECRETS_KEY as 32 bytes: base64 (`openssl rand -base64 32`) or 64 hex digits. */
export function parseSecretsKey(text: string): Buffer | null {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  return key.length === 32 ? key : null;
}

export function seal(value: unknown, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

export function unseal<T>(sealed: string, key: Buffer): T {
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')) as T;
  } catch {
    throw new SecretsKeyError('SECRETS_KEY does not open the channel secrets stored in loa.db: set the key they were saved with, or log the channels in again');
  }
}

const isSealed = (v: unknown): v is { sealed: string } => !!v && typeof v === 'object' && typeof (v as { sealed?: unknown }).sealed === 'string' && (v as { sealed: string }).sealed.startsWith(PREFIX);

/** The documents repository, sealing what goes into (and opening what comes out of) the secret collections. */
export function sealedDocuments(inner: DocumentRepository, key: Buffer | null): DocumentRepository {
  const needKey = (): Buffer => {
    if (!key) throw new SecretsKeyError('SECRETS_KEY is not set: channel secrets are stored encrypted with it (generate one with `openssl rand -base64 32`)');
    return key;
  };
  return {
    ...inner,
    async get<T>(collection: string, id: string): Promise<T | null> {
      const value = await inner.get<unknown>(collection, id);
      if (!SECRET_COLLECTIONS.has(collection) || value === null) return value as T | null;
      if (isSealed(value)) return unseal<T>(value.sealed, needKey());
      // Saved in clear by an older Loa: sealed now, when a key is there.
      if (key) await inner.put(collection, id, { sealed: seal(value, key) }, new Date().toISOString());
      return value as T;
    },
    async list<T>(collection: string) {
      const rows = await inner.list<unknown>(collection);
      if (!SECRET_COLLECTIONS.has(collection)) return rows as { id: string; value: T; updatedAt: string }[];
      return rows.map((r) => ({ ...r, value: (isSealed(r.value) ? unseal<T>(r.value.sealed, needKey()) : r.value) as T }));
    },
    async put(collection, id, value, at) {
      return inner.put(collection, id, SECRET_COLLECTIONS.has(collection) ? { sealed: seal(value, needKey()) } : value, at);
    },
    delete: (collection, id) => inner.delete(collection, id),
    count: (collection) => inner.count(collection),
  };
}

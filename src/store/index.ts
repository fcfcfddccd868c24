import path from 'node:path';
import type { Config } from '../config.ts';
import type { Store } from './types.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import { parseSecretsKey, sealedDocuments } from './sealed-documents.ts';

/** Picks the backend named by STORE. MongoDB (mongoose) plugs in here behind the same interfaces. */
export async function openStore(config: Pick<Config, 'STORE' | 'DATA_DIR' | 'MONGO_URL'> & { SECRETS_KEY?: string }): Promise<Store> {
  const key = config.SECRETS_KEY ? parseSecretsKey(config.SECRETS_KEY) : null;
  switch (config.STORE) {
    case 'sqlite': {
      const store = openSqliteStore(path.join(config.DATA_DIR, 'loa.db'));
      // Channel secrets are sealed with SECRETS_KEY, whatever the backend.
      return { ...store, documents: sealedDocuments(store.documents, key) };
    }
    case 'mongo':
      throw new Error('STORE=mongo is not available yet: the MongoDB backend is still to be written. Use STORE=sqlite.');
  }
}

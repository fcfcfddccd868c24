import path from 'node:path';
import type { Config } from '../config.ts';
import type { Store } from './types.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

/** Picks the backend named by STORE. MongoDB (mongoose) plugs in here behind the same interfaces. */
export async function openStore(config: Pick<Config, 'STORE' | 'DATA_DIR' | 'MONGO_URL'>): Promise<Store> {
  switch (config.STORE) {
    case 'sqlite':
      return openSqliteStore(path.join(config.DATA_DIR, 'loa.db'));
    case 'mongo':
      throw new Error('STORE=mongo is not available yet: the MongoDB backend is still to be written. Use STORE=sqlite.');
  }
}

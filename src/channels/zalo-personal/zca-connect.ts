// The real zca-js wiring, kept thin: everything else talks to ZaloPersonalApi. Credentials are
// saved by `npm run zalo:login` in the store (never in the repo) and refreshed cookies are saved
// back, since zca-js keeps them in memory only.
import type { Store } from '../../store/types.ts';
import type { ZaloCredentials, ZaloPersonalApi } from './zalo-personal-api.ts';

export interface ZcaModule {
  Zalo: new (options: { selfListen: boolean; checkUpdate: boolean; logging: boolean }) => {
    login(credentials: ZaloCredentials): Promise<unknown>;
    loginQR(options: { qrPath?: string; userAgent?: string }, callback: (event: { type: number; data: any; actions: any }) => unknown): Promise<unknown>;
  };
}

const DOC = { collection: 'channel_state', id: 'zalo_personal_credentials' };

export const loadCredentials = (store: Store) => store.documents.get<ZaloCredentials>(DOC.collection, DOC.id);

export async function saveCredentials(store: Store, credentials: ZaloCredentials, at: string): Promise<void> {
  await store.documents.put(DOC.collection, DOC.id, credentials, at);
}

export async function saveCookies(store: Store, cookies: unknown[], at: string): Promise<void> {
  const current = await loadCredentials(store);
  if (current) await saveCredentials(store, { ...current, cookie: cookies }, at);
}

export async function connectZca(credentials: ZaloCredentials): Promise<ZaloPersonalApi> {
  // zca-js's published type paths do not resolve under NodeNext; the shape Loa uses is ZaloPersonalApi.
  const { Zalo } = (await import('zca-js')) as unknown as ZcaModule;
  const zalo = new Zalo({ selfListen: false, checkUpdate: false, logging: false });
  return (await zalo.login(credentials)) as ZaloPersonalApi;
}

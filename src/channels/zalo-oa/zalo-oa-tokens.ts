// Zalo OA tokens: the access token lives 25 hours, the refresh token 3 months and works ONCE.
// So the new pair is persisted before it is used, one refresh runs at a time (a lease across
// processes), and a failed refresh alerts the admins with what to do.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../../store/types.ts';
import { requestJson, type HttpResponse } from '../http-client.ts';

export interface ZaloTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO time the access token stops working. */
  expiresAt: string;
  /** Which env refresh token these descend from: a new one in the env means an admin re-authorised. */
  seed: string;
}

export interface ZaloTokenConfig {
  appId: string;
  appSecret: string;
  oauthUrl: string;
  initialAccessToken: string;
  initialRefreshToken: string;
}

const DOC = { collection: 'channel_state', id: 'zalo_oa_tokens' };
const LEASE = 'zalo-oa-token-refresh';
/** Refresh when less than this is left. */
export const REFRESH_MARGIN_MS = 60 * 60 * 1000;
const fingerprint = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

export class ZaloTokenError extends Error {}

export class ZaloTokenManager {
  private refreshing: Promise<ZaloTokens> | null = null;
  private readonly holder = `pid-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly config: ZaloTokenConfig,
    private readonly deps: { store: Store; logger: Logger; clock: () => Date; alert: (message: string) => Promise<void> },
  ) {}

  /** The stored pair, seeded from the environment the first time (or after a re-authorisation). */
  async current(): Promise<ZaloTokens> {
    const stored = await this.deps.store.documents.get<ZaloTokens>(DOC.collection, DOC.id);
    const seed = fingerprint(this.config.initialRefreshToken);
    if (stored && stored.seed === seed) return stored;
    const tokens: ZaloTokens = {
      accessToken: this.config.initialAccessToken,
      refreshToken: this.config.initialRefreshToken,
      // Unknown age: assume it may be old, so the first check refreshes soon but not at once.
      expiresAt: new Date(this.deps.clock().getTime() + 2 * REFRESH_MARGIN_MS).toISOString(),
      seed,
    };
    await this.save(tokens);
    return tokens;
  }

  async accessToken(): Promise<string> {
    return (await this.current()).accessToken;
  }

  /** For the scheduled job: refresh when the access token is close to expiring. */
  async refreshIfDue(): Promise<boolean> {
    const tokens = await this.current();
    if (Date.parse(tokens.expiresAt) - this.deps.clock().getTime() > REFRESH_MARGIN_MS) return false;
    await this.refresh(tokens.accessToken);
    return true;
  }

  /**
   * Gets a new pair. `staleAccessToken` is the one that failed: if another caller (or process)
   * already replaced it, that newer pair is used instead of spending the refresh token twice.
   */
  refresh(staleAccessToken?: string): Promise<ZaloTokens> {
    this.refreshing ??= this.doRefresh(staleAccessToken).finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  private async doRefresh(staleAccessToken?: string): Promise<ZaloTokens> {
    const { store, clock } = this.deps;
    if (!(await store.leases.acquire(LEASE, this.holder, 30_000, clock().getTime()))) {
      throw new ZaloTokenError('another Loa process is refreshing the Zalo OA token');
    }
    try {
      const tokens = await this.current();
      if (staleAccessToken && tokens.accessToken !== staleAccessToken) return tokens;
      let res: HttpResponse;
      try {
        res = await requestJson(`${this.config.oauthUrl.replace(/\/$/, '')}/v4/oa/access_token`, {
          headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: this.config.appSecret },
          body: new URLSearchParams({ refresh_token: tokens.refreshToken, app_id: this.config.appId, grant_type: 'refresh_token' }).toString(),
        });
      } catch (err) {
        throw new ZaloTokenError(`Zalo OAuth unreachable: ${(err as Error).message}`);
      }
      const data = (res.json ?? {}) as { access_token?: string; refresh_token?: string; expires_in?: string | number; error?: number; error_name?: string; error_description?: string; message?: string };
      if (res.status >= 400 || !data.access_token || !data.refresh_token) {
        const why = data.error_description ?? data.message ?? data.error_name ?? `HTTP ${res.status}`;
        await this.deps.alert(`Zalo OA: không làm mới được mã truy cập (${why}). Trả lời trên Zalo OA sẽ không gửi được. Quản trị viên cần cấp quyền lại cho OA trong Zalo developer console, đặt cặp mã mới vào ZALO_OA_ACCESS_TOKEN và ZALO_OA_REFRESH_TOKEN rồi khởi động lại Loa. / Zalo OA: the access token could not be refreshed (${why}). Replies on Zalo OA will fail. An admin must re-authorise the OA in the Zalo developer console, then set ZALO_OA_ACCESS_TOKEN and ZALO_OA_REFRESH_TOKEN to the new pair and restart Loa.`);
        throw new ZaloTokenError(`refresh refused: ${why}`);
      }
      const next: ZaloTokens = {
        accessToken: data.access_token,
        refreshToken: data.refresh_token,
        expiresAt: new Date(clock().getTime() + Number(data.expires_in ?? 90_000) * 1000).toISOString(),
        seed: tokens.seed,
      };
      // The old refresh token is dead now: keep the new pair before anything else can fail.
      await this.save(next);
      this.deps.logger.info({ expiresAt: next.expiresAt }, 'zalo oa token refreshed');
      return next;
    } finally {
      await store.leases.release(LEASE, this.holder);
    }
  }

  private save(tokens: ZaloTokens): Promise<void> {
    return this.deps.store.documents.put(DOC.collection, DOC.id, tokens, this.deps.clock().toISOString());
  }
}

// The school's own Zalo account through zca-js: direct messages go through the pipeline; in class
// groups the bot answers only when mentioned (or when staff allowed it for that group). Zalo drops
// the socket often (1006): an own reconnect loop with back-off. Opened elsewhere (3000/3003): stop
// and alert instead of fighting over the session. Sends are rate limited per account and thread.
import type { Logger } from 'pino';
import type { ConversationRef, IncomingEvent, OutgoingMessage } from '../../core/messages.ts';
import { KeyedBuckets, TokenBucket } from '../../core/rate-limiter.ts';
import { backoffMs } from '../../core/backoff.ts';
import { failed, retryLater, sent, textOnlyParts, textWithOptions, type OutboundChannel, type SendResult } from '../channel.ts';
import { CLOSE, THREAD_GROUP, THREAD_USER, type ZaloPersonalApi, type ZaloPersonalMessage } from './zalo-personal-api.ts';
import type { ZaloGroupDirectory } from './zalo-groups.ts';

export interface ZaloPersonalOptions {
  /** Messages per minute for the whole account, and per chat thread. Defaults are far below the reported limits. */
  accountPerMinute?: number;
  threadPerMinute?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  groupInfoChunk?: number;
}

export interface ZaloPersonalDeps {
  connect: () => Promise<ZaloPersonalApi>;
  receive: (events: IncomingEvent[]) => Promise<unknown>;
  groups: ZaloGroupDirectory;
  saveCookies?: (cookies: unknown[]) => Promise<void>;
  alert: (message: string) => Promise<void>;
  logger: Logger;
  clock: () => Date;
  random?: () => number;
}

export const ZALO_PERSONAL_TEXT_LIMIT = 2000;

export type ZaloPersonalState = 'stopped' | 'connecting' | 'connected' | 'reconnecting' | 'kicked';

export class ZaloPersonalAdapter implements OutboundChannel {
  readonly name = 'zalo_personal' as const;
  private api: ZaloPersonalApi | null = null;
  private ownId = '';
  private reconnectAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private status: ZaloPersonalState = 'stopped';
  private readonly account: TokenBucket;
  private readonly threads: KeyedBuckets;
  private readonly opts: Required<ZaloPersonalOptions>;

  constructor(private readonly deps: ZaloPersonalDeps, options: ZaloPersonalOptions = {}) {
    this.opts = { accountPerMinute: 20, threadPerMinute: 6, reconnectBaseMs: 1000, reconnectMaxMs: 5 * 60_000, groupInfoChunk: 80, ...options };
    const now = () => deps.clock().getTime();
    this.account = new TokenBucket(Math.min(5, this.opts.accountPerMinute), this.opts.accountPerMinute, now);
    this.threads = new KeyedBuckets(Math.min(3, this.opts.threadPerMinute), this.opts.threadPerMinute, now);
  }

  get state(): ZaloPersonalState {
    return this.status;
  }

  get accountId(): string {
    return this.ownId;
  }

  async start(): Promise<void> {
    this.status = 'connecting';
    const api = await this.deps.connect();
    this.api = api;
    this.ownId = api.getOwnId();
    api.listener.on('message', (m: ZaloPersonalMessage) => {
      this.onMessage(m).catch((err) => this.deps.logger.error({ err }, 'zalo personal message failed'));
    });
    api.listener.on('connected', () => {
      this.status = 'connected';
      this.reconnectAttempts = 0;
      this.deps.logger.info('zalo personal listener connected');
    });
    api.listener.on('closed', (code: number, reason: string) => this.onClosed(code, reason));
    api.listener.on('error', (err: unknown) => this.deps.logger.warn({ err }, 'zalo personal listener error'));
    api.listener.start({ retryOnClose: false }); // our own loop covers 1006, which zca's retry does not
    this.discoverGroups().catch((err) => this.deps.logger.warn({ err }, 'zalo group discovery failed'));
  }

  async stop(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const api = this.api;
    this.status = 'stopped';
    if (!api) return;
    api.listener.stop();
    await this.persistCookies();
  }

  /** getAllGroups, then getGroupInfo in chunks (Zalo refuses large ones), into the directory. */
  async discoverGroups(): Promise<number> {
    const api = this.requireApi();
    const ids = Object.keys((await api.getAllGroups()).gridVerMap ?? {});
    const found: { id: string; name: string; memberCount: number }[] = [];
    for (let i = 0; i < ids.length; i += this.opts.groupInfoChunk) {
      const info = await api.getGroupInfo(ids.slice(i, i + this.opts.groupInfoChunk));
      for (const [id, g] of Object.entries(info.gridInfoMap ?? {})) {
        found.push({ id, name: g.name, memberCount: g.totalMember ?? g.memberIds?.length ?? 0 });
      }
    }
    await this.deps.groups.upsertDiscovered(found, this.deps.clock().toISOString());
    return found.length;
  }

  prepare(message: OutgoingMessage): OutgoingMessage[] {
    return textOnlyParts(message, ZALO_PERSONAL_TEXT_LIMIT);
  }

  async send(ref: ConversationRef, message: OutgoingMessage): Promise<SendResult> {
    if (!this.api || this.status === 'kicked' || this.status === 'stopped') return retryLater(`zalo personal account is ${this.status}`, 60_000);
    const thread = this.threads.get(`${ref.threadType}:${ref.threadId}`);
    const a = this.account.take();
    if (!a.ok) return retryLater('rate_limited (account)', a.waitMs);
    const t = thread.take();
    if (!t.ok) {
      this.account.putBack();
      return retryLater('rate_limited (thread)', t.waitMs);
    }
    const text = textWithOptions(message);
    try {
      const res = await this.api.sendMessage({ msg: text }, ref.threadId, ref.threadType === 'group' ? THREAD_GROUP : THREAD_USER);
      return sent(res.message?.msgId !== undefined ? String(res.message.msgId) : undefined);
    } catch (err) {
      const e = err as { code?: number; message?: string };
      // 221 / 123: Zalo's own throttling of bulk sends. Anything else is not worth hammering.
      if (e.code === 221 || e.code === 123) return retryLater(`zalo throttled (${e.code})`, 10 * 60_000);
      return failed(`zalo personal send failed: ${e.code ?? ''} ${e.message ?? String(err)}`.trim());
    }
  }

  private requireApi(): ZaloPersonalApi {
    if (!this.api) throw new Error('zalo personal account is not connected');
    return this.api;
  }

  private async onMessage(m: ZaloPersonalMessage): Promise<void> {
    if (m.isSelf) return;
    const text = typeof m.data.content === 'string' ? m.data.content : null;
    const isGroup = m.type === THREAD_GROUP;
    let mentionsBot = false;
    let cleaned = text ?? '';
    if (isGroup) {
      mentionsBot = (m.data.mentions ?? []).some((x) => x.uid === this.ownId);
      const group = await this.deps.groups.get(m.threadId);
      if (!mentionsBot && !group?.allowBot) return; // the group is for people; the bot speaks when spoken to
      // Take the "@Loa" mention out of the text the NLU sees.
      for (const x of [...(m.data.mentions ?? [])].filter((x) => x.uid === this.ownId).sort((p, q) => q.pos - p.pos)) {
        cleaned = cleaned.slice(0, x.pos) + cleaned.slice(x.pos + x.len);
      }
    }
    const ref: ConversationRef = {
      channel: 'zalo_personal', accountId: this.ownId, userId: m.data.uidFrom,
      threadId: m.threadId, threadType: isGroup ? 'group' : 'user',
    };
    const ts = /^\d+$/.test(m.data.ts) ? new Date(Number(m.data.ts)).toISOString() : this.deps.clock().toISOString();
    const base = { ref, messageId: m.data.msgId, timestamp: ts, displayName: m.data.dName, raw: m };
    const event: IncomingEvent = text !== null
      ? { ...base, type: 'text', text: cleaned.trim(), mentionsBot }
      : { ...base, type: 'media', mediaType: 'other' };
    await this.deps.receive([event]);
  }

  private onClosed(code: number, reason: string): void {
    if (this.status === 'stopped') return;
    if (code === CLOSE.duplicate || code === CLOSE.kicked) {
      this.status = 'kicked';
      this.deps.logger.error({ code }, 'zalo personal session opened elsewhere; not reconnecting');
      void this.deps.alert(`Zalo (tài khoản cá nhân): phiên đăng nhập đã bị mở ở nơi khác (mã ${code}). Loa đã dừng để không tranh phiên. Đóng Zalo Web ở máy kia rồi khởi động lại Loa, hoặc đăng nhập lại bằng "npm run zalo:login". / Zalo (personal account): the session was opened elsewhere (code ${code}). Loa stopped so as not to fight over it. Close Zalo Web on the other device and restart Loa, or sign in again with "npm run zalo:login".`);
      return;
    }
    if (code === CLOSE.manual) {
      this.status = 'stopped';
      return;
    }
    this.status = 'reconnecting';
    const attempt = this.reconnectAttempts++;
    const delay = backoffMs(attempt, this.opts.reconnectBaseMs, this.opts.reconnectMaxMs, this.deps.random);
    this.deps.logger.warn({ code, reason, attempt, delay }, 'zalo personal socket closed; reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.status !== 'reconnecting' || !this.api) return;
      this.api.listener.start({ retryOnClose: false });
      void this.persistCookies();
    }, delay);
    this.reconnectTimer.unref?.();
  }

  private async persistCookies(): Promise<void> {
    const cookies = this.api?.getCookie?.().toJSON().cookies;
    if (cookies && this.deps.saveCookies) await this.deps.saveCookies(cookies).catch((err) => this.deps.logger.warn({ err }, 'could not save zalo cookies'));
  }
}

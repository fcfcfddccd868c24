// Zalo OA consultation messages ("tin tư vấn"): inside 7 days of the person's last interaction,
// errors mapped as Zalo documents them, night hours deferred to 06:00, expired tokens refreshed.
import type { ConversationRef, OutgoingMessage } from '../../core/messages.ts';
import { clockIn, nextWallClock } from '../../core/dates.ts';
import { failed, retryLater, sent, textOnlyParts, textWithOptions, type OutboundChannel, type SendPurpose, type SendResult } from '../channel.ts';
import type { ZaloTokenManager } from './zalo-oa-tokens.ts';
import { requestJson } from '../http-client.ts';
import { windowOpen } from '../windows.ts';

export const ZALO_TEXT_LIMIT = 2000;

export interface ZaloOaClientDeps {
  tokens: ZaloTokenManager;
  apiUrl: string;
  timeZone: string;
  clock: () => Date;
  lastInboundAt(ref: ConversationRef): Promise<string | null>;
  alert(message: string): Promise<void>;
}

type ZaloReply = { error?: number; message?: string; data?: { message_id?: string } };

export class ZaloOaClient implements OutboundChannel {
  readonly name = 'zalo_oa' as const;

  constructor(private readonly deps: ZaloOaClientDeps) {}

  prepare(message: OutgoingMessage): OutgoingMessage[] {
    // Consultation text messages have no quick-reply buttons: the options become numbered lines.
    return textOnlyParts(message, ZALO_TEXT_LIMIT);
  }

  /** Zalo refuses consultation messages 22:00–06:00 (-234): wait for 06:00 instead of asking. */
  quietUntil(now: Date): Date | null {
    const { hour } = clockIn(this.deps.timeZone, now);
    return hour >= 22 || hour < 6 ? nextWallClock(6, 0, this.deps.timeZone, now) : null;
  }

  async send(ref: ConversationRef, message: OutgoingMessage, purpose: SendPurpose): Promise<SendResult> {
    if (purpose !== 'reply') {
      if (!windowOpen('zalo_oa', await this.deps.lastInboundAt(ref), this.deps.clock())) return failed('outside_window');
    }
    const text = textWithOptions(message);
    const token = await this.deps.tokens.accessToken();
    const first = await this.post(ref, text, token);
    if ('network' in first) return retryLater(first.network);
    if (first.error === -216 || first.error === -220) {
      try {
        const fresh = await this.deps.tokens.refresh(token);
        const second = await this.post(ref, text, fresh.accessToken);
        if ('network' in second) return retryLater(second.network);
        return this.map(second);
      } catch (err) {
        return retryLater(`token refresh failed: ${(err as Error).message}`, 60_000);
      }
    }
    return this.map(first);
  }

  private async post(ref: ConversationRef, text: string, accessToken: string): Promise<ZaloReply | { network: string }> {
    try {
      const res = await requestJson(`${this.deps.apiUrl.replace(/\/$/, '')}/v3.0/oa/message/cs`, {
        headers: { 'content-type': 'application/json', access_token: accessToken },
        body: JSON.stringify({ recipient: { user_id: ref.userId }, message: { text } }),
      });
      if (res.status >= 500) return { network: `HTTP ${res.status}` };
      return (res.json ?? { error: -1, message: `HTTP ${res.status}, no JSON` }) as ZaloReply;
    } catch (err) {
      return { network: `network: ${(err as Error).message}` };
    }
  }

  private async map(reply: ZaloReply): Promise<SendResult> {
    const code = reply.error ?? -1;
    const detail = `${code}: ${reply.message ?? ''}`.trim();
    switch (code) {
      case 0: return sent(reply.data?.message_id);
      case -32: return retryLater(`rate_limited (${detail})`, 60_000);
      case -234: return { status: 'retry-later', reason: 'night_hours', notBefore: this.quietUntil(this.deps.clock()) ?? nextWallClock(6, 0, this.deps.timeZone, this.deps.clock()) };
      case -213: return failed('not_a_follower');
      case -227: return failed('user_inactive');
      case -230: case -232: return failed('outside_window');
      case -244: return failed('user_restricted');
      case -216: case -220: return retryLater(`token_invalid (${detail})`, 60_000);
      case -211: case -218:
        await this.deps.alert(`Zalo OA: đã hết hạn mức tin nhắn (${detail}). Tin nhắn trên Zalo OA không gửi được cho đến khi hạn mức được cấp lại hoặc OA nâng gói. / Zalo OA: the message quota is used up (${detail}). Messages on Zalo OA fail until the quota renews or the OA's package is upgraded.`);
        return failed('out_of_quota');
      default: return failed(`refused (${detail})`);
    }
  }
}

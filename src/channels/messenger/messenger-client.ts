// Messenger Send API: replies inside the 24-hour window, errors mapped to sent / retry later /
// failed for good, and a revoked token pausing the channel until an admin fixes it.
import type { ConversationRef, OutgoingMessage } from '../../core/messages.ts';
import { toPlainText } from '../../core/messages.ts';
import { failed, retryLater, sent, splitText, type OutboundChannel, type SendPurpose, type SendResult } from '../channel.ts';
import { requestJson, type HttpResponse } from '../http-client.ts';
import { windowOpen } from '../windows.ts';

export const MESSENGER_TEXT_LIMIT = 2000;
export const MESSENGER_MAX_QUICK_REPLIES = 13;
export const MESSENGER_QUICK_REPLY_TITLE = 20;
/** Messages a person on staff wrote may go with the HUMAN_AGENT tag up to 7 days after the parent's last message. */
export const HUMAN_AGENT_MS = 7 * 24 * 60 * 60 * 1000;

export interface MessengerClientConfig {
  graphUrl: string;
  apiVersion: string;
  pageAccessToken: string;
  /** A message tag for proactive messages outside the window, where its policy allows; none by default. */
  messageTag?: string;
  timeoutMs?: number;
}

export interface MessengerClientDeps {
  /** When the person last wrote to the page (for the 24-hour window). */
  lastInboundAt(ref: ConversationRef): Promise<string | null>;
  /** Called once when the token stops working: the channel pauses until restarted. */
  onTokenInvalid(message: string): void | Promise<void>;
  clock: () => Date;
}

const truncate = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export class MessengerClient implements OutboundChannel {
  readonly name = 'messenger' as const;
  private pausedReason: string | null = null;

  constructor(private readonly config: MessengerClientConfig, private readonly deps: MessengerClientDeps) {}

  get paused(): string | null {
    return this.pausedReason;
  }

  resume(): void {
    this.pausedReason = null;
  }

  prepare(message: OutgoingMessage): OutgoingMessage[] {
    if (message.type === 'image') return [message];
    const text = message.type === 'text' ? message.text : toPlainText(message);
    const parts = splitText(text, MESSENGER_TEXT_LIMIT);
    return parts.map((part, i) => ({
      type: 'text' as const,
      text: part,
      ...(i === parts.length - 1 && message.type === 'text' && message.quickReplies?.length ? { quickReplies: message.quickReplies } : {}),
    }));
  }

  async send(ref: ConversationRef, message: OutgoingMessage, purpose: SendPurpose): Promise<SendResult> {
    if (this.pausedReason) return failed(`channel paused: ${this.pausedReason}`);
    let messagingType: Record<string, string> = { messaging_type: 'RESPONSE' };
    if (purpose !== 'reply') {
      const last = await this.deps.lastInboundAt(ref);
      const now = this.deps.clock();
      if (windowOpen('messenger', last, now)) messagingType = { messaging_type: 'UPDATE' };
      else if (purpose === 'human' && last !== null && now.getTime() - Date.parse(last) < HUMAN_AGENT_MS) messagingType = { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
      else if (purpose === 'proactive' && this.config.messageTag) messagingType = { messaging_type: 'MESSAGE_TAG', tag: this.config.messageTag };
      else return failed('outside_window');
    }
    const body = { recipient: { id: ref.userId }, ...messagingType, message: this.toMessengerMessage(message) };
    // The token goes in a header, not the URL: URLs end up in proxies' and servers' logs.
    const url = `${this.config.graphUrl.replace(/\/$/, '')}/${this.config.apiVersion}/me/messages`;
    let res: HttpResponse;
    try {
      res = await requestJson(url, { headers: { 'content-type': 'application/json', authorization: `Bearer ${this.config.pageAccessToken}` }, body: JSON.stringify(body), timeoutMs: this.config.timeoutMs });
    } catch (err) {
      return retryLater(`network: ${(err as Error).message}`);
    }
    const data = (res.json ?? {}) as { message_id?: string; error?: { code?: number; error_subcode?: number; message?: string } };
    if (res.status >= 200 && res.status < 300 && !data.error) return sent(data.message_id);
    return this.mapError(res.status, data.error);
  }

  private toMessengerMessage(message: OutgoingMessage): Record<string, unknown> {
    if (message.type === 'image') return { attachment: { type: 'image', payload: { url: message.url, is_reusable: true } } };
    if (message.type === 'text' && message.quickReplies?.length) {
      return {
        text: message.text,
        quick_replies: message.quickReplies.slice(0, MESSENGER_MAX_QUICK_REPLIES).map((q) => ({
          content_type: 'text', title: truncate(q.title, MESSENGER_QUICK_REPLY_TITLE), payload: q.payload,
        })),
      };
    }
    return { text: toPlainText(message) };
  }

  private async mapError(status: number, error: { code?: number; error_subcode?: number; message?: string } | undefined): Promise<SendResult> {
    const code = error?.code;
    const detail = `${code ?? status}${error?.error_subcode ? `/${error.error_subcode}` : ''}: ${error?.message ?? 'no message'}`;
    if (code === 190) {
      if (!this.pausedReason) {
        this.pausedReason = 'page access token invalid or expired';
        await this.deps.onTokenInvalid(`Messenger: mã truy cập của trang bị từ chối (${detail}). Loa đã ngừng gửi trên Messenger. Tạo mã mới trong Meta developer console, đặt FACEBOOK_PAGE_ACCESS_TOKEN rồi khởi động lại Loa. / Messenger: the page access token was refused (${detail}). Loa stopped sending on Messenger. Generate a new page token in the Meta developer console, set FACEBOOK_PAGE_ACCESS_TOKEN and restart Loa.`);
      }
      return failed('token_invalid');
    }
    if (code === 10 && error?.error_subcode === 2018278) return failed('outside_window');
    if (code === 551) return failed('person_unavailable');
    if (code === 613 || code === 4 || code === 32) return retryLater(`rate_limited (${detail})`, 5_000);
    if (code === 1200 || status >= 500) return retryLater(`temporary (${detail})`);
    return failed(`refused (${detail})`);
  }
}

// Turns the configuration into the channels that are on: each one that is not configured is
// simply off. Returns the webhooks to mount, the outbound halves for the outbox, and their jobs.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { conversationKey, type ConversationRef, type IncomingEvent } from '../core/messages.ts';
import type { RateLimits } from '../core/rate-limits.ts';
import type { Pipeline } from '../core/pipeline.ts';
import type { Store } from '../store/types.ts';
import type { Job } from '../jobs/scheduler.ts';
import type { AlertService } from '../features/alerts/alert-service.ts';
import type { OutboundChannel } from './channel.ts';
import type { WebhookEndpoint } from '../http/webhook-lane.ts';
import { receiveAll } from './inbound.ts';
import { messengerWebhook } from './messenger/messenger-webhook.ts';
import { MessengerClient } from './messenger/messenger-client.ts';
import { zaloOaWebhook } from './zalo-oa/zalo-oa-webhook.ts';
import { ZaloOaClient } from './zalo-oa/zalo-oa-client.ts';
import { ZaloTokenManager } from './zalo-oa/zalo-oa-tokens.ts';
import { ZaloPersonalAdapter } from './zalo-personal/zalo-personal-adapter.ts';
import { ZaloGroupDirectory } from './zalo-personal/zalo-groups.ts';
import type { ZaloPersonalApi } from './zalo-personal/zalo-personal-api.ts';
import { connectZca, loadCredentials, saveCookies } from './zalo-personal/zca-connect.ts';

export interface ChannelSet {
  webhooks: WebhookEndpoint[];
  outbound: OutboundChannel[];
  jobs: Job[];
  messenger: MessengerClient | null;
  zaloOa: { client: ZaloOaClient; tokens: ZaloTokenManager } | null;
  zaloPersonal: ZaloPersonalAdapter | null;
  zaloGroups: ZaloGroupDirectory;
  /** Starts listeners (zca-js); webhooks need nothing started. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ChannelDeps {
  config: Config;
  store: Store;
  pipeline: Pipeline;
  alerts: AlertService;
  logger: Logger;
  clock: () => Date;
  /** Per-conversation limits on what the webhooks hand to the pipeline. */
  limits?: RateLimits;
  /** Tests give a fake zca-js; by default the real one logs in with the saved credentials. */
  connectZaloPersonal?: () => Promise<ZaloPersonalApi>;
}

export function setupChannels(deps: ChannelDeps): ChannelSet {
  const { config, store, pipeline, alerts, logger, clock } = deps;
  const lastInboundAt = async (ref: ConversationRef) => (await store.contacts.findByRef(ref))?.lastInboundAt ?? null;
  const limits = deps.limits;
  const inbound = {
    pipeline, logger, clock,
    admit: limits?.webhookConversation.on ? (e: IncomingEvent) => limits.take(limits.webhookConversation, conversationKey(e.ref)) : undefined,
  };
  const set: ChannelSet = {
    webhooks: [], outbound: [], jobs: [], messenger: null, zaloOa: null, zaloPersonal: null,
    zaloGroups: new ZaloGroupDirectory(store),
    async start() {
      if (!set.zaloPersonal) return;
      try {
        await set.zaloPersonal.start();
      } catch (err) {
        await alerts.raise('zalo_personal', `Zalo (tài khoản cá nhân): không đăng nhập được (${(err as Error).message}). Chạy "npm run zalo:login" để đăng nhập lại. / Zalo (personal account): could not sign in (${(err as Error).message}). Run "npm run zalo:login" to sign in again.`);
      }
    },
    async stop() {
      await set.zaloPersonal?.stop();
    },
  };

  if (config.FACEBOOK_VERIFY_TOKEN && config.FACEBOOK_APP_SECRET && config.FACEBOOK_PAGE_ACCESS_TOKEN) {
    set.webhooks.push(messengerWebhook({ verifyToken: config.FACEBOOK_VERIFY_TOKEN, appSecret: config.FACEBOOK_APP_SECRET }, inbound));
    set.messenger = new MessengerClient(
      { graphUrl: config.FACEBOOK_GRAPH_URL, apiVersion: config.FACEBOOK_API_VERSION, pageAccessToken: config.FACEBOOK_PAGE_ACCESS_TOKEN, messageTag: config.FACEBOOK_MESSAGE_TAG },
      { lastInboundAt, clock, onTokenInvalid: alerts.forKind('messenger_token') },
    );
    set.outbound.push(set.messenger);
  }

  if (config.ZALO_APP_ID && config.ZALO_OA_SECRET_KEY && config.ZALO_APP_SECRET && config.ZALO_OA_ACCESS_TOKEN && config.ZALO_OA_REFRESH_TOKEN) {
    set.webhooks.push(zaloOaWebhook({ appId: config.ZALO_APP_ID, secretKey: config.ZALO_OA_SECRET_KEY }, inbound));
    const tokens = new ZaloTokenManager(
      { appId: config.ZALO_APP_ID, appSecret: config.ZALO_APP_SECRET, oauthUrl: config.ZALO_OAUTH_URL, initialAccessToken: config.ZALO_OA_ACCESS_TOKEN, initialRefreshToken: config.ZALO_OA_REFRESH_TOKEN },
      { store, logger, clock, alert: alerts.forKind('zalo_oa_token') },
    );
    const client = new ZaloOaClient({ tokens, apiUrl: config.ZALO_OA_API_URL, timeZone: config.TZ, clock, lastInboundAt, alert: alerts.forKind('zalo_oa_quota') });
    set.zaloOa = { client, tokens };
    set.outbound.push(client);
    set.jobs.push({ name: 'zalo-oa-token-refresh', cron: '*/10 * * * *', run: () => tokens.refreshIfDue() });
  }

  if (config.ZALO_PERSONAL_ENABLED) {
    const connect = deps.connectZaloPersonal ?? (async () => {
      const credentials = await loadCredentials(store);
      if (!credentials) throw new Error('no saved Zalo login');
      return connectZca(credentials);
    });
    set.zaloPersonal = new ZaloPersonalAdapter(
      {
        connect, receive: (events) => receiveAll(events, inbound), groups: set.zaloGroups,
        saveCookies: (cookies) => saveCookies(store, cookies, clock().toISOString()),
        alert: alerts.forKind('zalo_personal'), logger, clock,
      },
      { accountPerMinute: config.ZALO_PERSONAL_PER_MINUTE, threadPerMinute: config.ZALO_PERSONAL_THREAD_PER_MINUTE },
    );
    set.outbound.push(set.zaloPersonal);
    set.jobs.push({ name: 'zalo-groups-discover', cron: '17 5 * * *', run: () => set.zaloPersonal!.discoverGroups() });
  }
  return set;
}

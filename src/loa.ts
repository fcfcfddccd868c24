// Wires configuration → store → school data → NLU → bot → pipeline → outbox → channels → app.
// main.ts adds listening and signals; tests call this with a temporary DATA_DIR and a fixed clock.
import path from 'node:path';
import type http from 'node:http';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';
import { SchoolService } from './school/school-service.ts';
import { NluService } from './nlu/nlu-service.ts';
import { createI18n, LOCALES } from './i18n.ts';
import { Bot } from './core/bot.ts';
import { Pipeline } from './core/pipeline.ts';
import { Outbox, type OutboxOptions } from './core/outbox.ts';
import { DATA_ONLY_HANDLERS, schoolInfoHandlers } from './features/handlers.ts';
import { AlertService } from './features/alerts/alert-service.ts';
import { StaffNotifier } from './features/staff/staff-notifier.ts';
import { CommentService } from './features/comments/comment-service.ts';
import { feedbackForm } from './features/comments/feedback-form.ts';
import { absenceForm } from './features/absences/absence-form.ts';
import { safetyInterceptor } from './features/safety/safety-intake.ts';
import { prepareSafetyModel } from './features/safety/safety-model.ts';
import { absenceWithdrawInterceptor } from './features/absences/absence-withdraw.ts';
import { linkCodeInterceptor, staffCommandInterceptor, ticketStatusInterceptor } from './features/staff/staff-interceptors.ts';
import { ReportService, reportSummary } from './features/reports/report-service.ts';
import type { Job } from './jobs/scheduler.ts';
import { GroupDirectory } from './features/broadcasts/groups.ts';
import { BroadcastService } from './features/broadcasts/broadcast-service.ts';
import { Dispatcher, type DispatcherOptions } from './features/broadcasts/dispatcher.ts';
import { followHandlers, subscribeForm, unsubscribeForm } from './features/broadcasts/subscription-forms.ts';
import type { ChannelName } from './core/messages.ts';
import type { OutboundChannel } from './channels/channel.ts';
import { setupChannels, type ChannelSet } from './channels/setup.ts';
import type { ZaloPersonalApi } from './channels/zalo-personal/zalo-personal-api.ts';
import { Scheduler } from './jobs/scheduler.ts';
import { buildApp } from './app.ts';
import { RateLimits } from './core/rate-limits.ts';
import { instrument } from './metrics/instrument.ts';
import { webhookLane } from './http/webhook-lane.ts';
import { createLogger } from './logger.ts';
import { operations } from './features/operations/operations.ts';
import { PrivacyService } from './features/privacy/privacy-service.ts';
import { WebchatChannel } from './channels/webchat/webchat-channel.ts';
import { VisitorIdentity } from './channels/webchat/visitor-identity.ts';
import { noteWebchatReceipts } from './features/comments/webchat-receipts.ts';
import { DomainEvents, observeStore } from './core/domain-events.ts';

export interface Loa {
  config: Config;
  store: Store;
  school: SchoolService;
  nlu: NluService;
  bot: Bot;
  pipeline: Pipeline;
  outbox: Outbox;
  channels: ChannelSet;
  /** The web chat's outbound half: open pages, waiting messages. */
  webchat: WebchatChannel;
  alerts: AlertService;
  features: Features;
  scheduler: Scheduler;
  /** Every scheduled job, by name (tests and the admin run them directly). */
  jobs: Job[];
  /** Every HTTP request: the platforms' webhooks, then express for the chat, admin API and pages. */
  app: http.RequestListener;
  logger: Logger;
  /** Starts what runs in the background: outbox retries, listeners, jobs, unprocessed events. */
  start(): Promise<void>;
  /** Stops taking messages, finishes the turns in flight, closes the store. */
  close(): Promise<void>;
}

export interface Features {
  staff: StaffNotifier;
  comments: CommentService;
  reports: ReportService;
  groups: GroupDirectory;
  broadcasts: BroadcastService;
  dispatcher: Dispatcher;
  privacy: PrivacyService;
  /** What happens in the school as it happens (the console's live overview listens). */
  events: DomainEvents;
}

export interface LoaOptions {
  clock?: () => Date;
  logger?: Logger;
  outbox?: OutboxOptions;
  dispatcher?: DispatcherOptions;
  connectZaloPersonal?: () => Promise<ZaloPersonalApi>;
}

export async function createLoa(config: Config, options: LoaOptions = {}): Promise<Loa> {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const store = await openStore(config);
  const events = new DomainEvents();
  observeStore(store, events, clock);
  try {
    const now = clock();
    const school = await SchoolService.open(store.documents, path.resolve(config.SCHOOL_DIR), now, (message) => logger.warn(message));
    const nlu = await NluService.open(store.documents, path.resolve(config.INTENTS_DIR), now);
    await prepareSafetyModel(); // from disk, else trained in a worker thread: not in Loa's own heap
    const i18n = await createI18n();
    const alerts = new AlertService({ store, logger, clock });
    const outbox = new Outbox({ store, logger, clock }, options.outbox);
    const staff = new StaffNotifier({ store, outbox, clock });
    alerts.setNotifier((message) => staff.notifyRoles(['principal', 'admin'], message).then(() => undefined));
    const comments = new CommentService({ store, outbox, school, alerts, staff, logger, clock, timeZone: config.TZ, i18n, publicUrl: config.PUBLIC_URL });
    const reports = new ReportService({ store, school, timeZone: config.TZ, clock });
    const [feedback, absence, subscribe, unsubscribe] = [feedbackForm(comments), absenceForm(staff), subscribeForm(), unsubscribeForm()];
    const handlers = { ...schoolInfoHandlers(), feedback: feedback.start, absence: absence.start, subscribe: subscribe.start, unsubscribe: unsubscribe.start };
    const privacy = new PrivacyService({ store, config, i18n, logger, clock, school });
    await privacy.reapplyLedger();
    const interceptors = [safetyInterceptor(comments), privacy.interceptor(), linkCodeInterceptor(staff), ticketStatusInterceptor(comments), absenceWithdrawInterceptor(staff), staffCommandInterceptor(comments)];
    // "Cho tôi gặp người thật": an alert the principal and admins see on chat and in the admin API.
    const notifyStaff = (text: string, about?: { contactId: string }) => alerts.raise('human_agent', text, about ?? null);
    const bot = new Bot({ config, store, school, nlu, i18n, logger, clock, notifyStaff }, handlers, [feedback, absence, subscribe, unsubscribe, privacy.form()], followHandlers(), interceptors, DATA_ONLY_HANDLERS,
      [(contactId) => comments.deliverPendingReplies(contactId)]);
    const pipeline = new Pipeline({ store, bot, delivery: outbox, logger, clock, maxConcurrent: config.MAX_CONCURRENT_TURNS, afterTurn: (e, r) => privacy.afterTurn(e, r) });
    const limits = new RateLimits({
      chatPerIp: config.CHAT_RATE_PER_IP, chatPerConversation: config.CHAT_RATE_PER_CONVERSATION, newContactsPerIpPerHour: config.NEW_CONTACTS_PER_IP_PER_HOUR,
      webhookPerIp: config.WEBHOOK_RATE_PER_IP, webhookPerConversation: config.WEBHOOK_RATE_PER_CONVERSATION,
    }, () => clock().getTime());
    const channels = setupChannels({ config, store, pipeline, alerts, logger, clock, connectZaloPersonal: options.connectZaloPersonal, limits });
    const webchat = new WebchatChannel({ store, clock, logger, ttlHours: config.WEBCHAT_DELIVERY_TTL_HOURS, onReceipt: (m, outcome, at) => noteWebchatReceipts(store, m, outcome, at) });
    channels.outbound.push(webchat);
    channels.jobs.push(...webchat.jobs);
    instrument({ pipeline, bot, outbound: channels.outbound, alerts, limits });
    for (const channel of channels.outbound) outbox.register(channel);
    const groups = new GroupDirectory({ store, school });
    const broadcasts = new BroadcastService({
      store, groups, school, zaloGroups: channels.zaloGroups, zaloAccountId: () => channels.zaloPersonal?.accountId || null,
      logger, clock, timeZone: config.TZ, allowSelfApproval: config.APPROVAL_SELF,
    });
    const outboundByName = new Map<ChannelName, OutboundChannel>(channels.outbound.map((c) => [c.name, c]));
    const dispatcher = new Dispatcher({ store, service: broadcasts, channels: outboundByName, logger, clock, webchat }, {
      ...options.dispatcher,
      // The configured limits (0 lifts one); the personal Zalo account shares its adapter's limit.
      rates: {
        messenger: config.BROADCAST_RATE_MESSENGER || null,
        zalo_oa: config.BROADCAST_RATE_ZALO_OA || null,
        zalo_personal: config.ZALO_PERSONAL_PER_MINUTE / 60,
        ...options.dispatcher?.rates,
      },
    });
    const features: Features = { staff, comments, reports, groups, broadcasts, dispatcher, privacy, events };
    const scheduler = new Scheduler({ store, logger, clock, timeZone: config.TZ });
    const ops = operations({ config, store, pipeline, alerts, logger, clock });
    const jobs: Job[] = [...channels.jobs, ...featureJobs(features, alerts), ...ops.jobs, privacy.retentionJob()];
    let shuttingDown = false;
    const routes = buildApp({
      store, bot, pipeline, nlu, school, logger, clock, channels, outbox, alerts, features, adminToken: config.ADMIN_TOKEN, timeZone: config.TZ,
      publicUrl: config.PUBLIC_URL, trustProxy: config.TRUST_PROXY,
      answerExists: (key) => LOCALES.every((lng) => i18n.exists(key, { lng, fallbackLng: false })),
      localeText: (key, lng) => {
        const text = i18n.getResource(lng, 'translation', key);
        return typeof text === 'string' ? text : undefined;
      },
      isShuttingDown: () => shuttingDown, frameAncestors: config.FRAME_ANCESTORS, limits, metricsToken: config.METRICS_TOKEN,
      webchat: {
        webchat, identity: VisitorIdentity.open(path.resolve(config.DATA_DIR), config.WEBCHAT_SECRET), i18n, chatApiKey: config.CHAT_API_KEY,
        allowedOrigins: config.WEBCHAT_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
      },
    });
    const app = webhookLane(channels.webhooks, routes, {
      logger, isShuttingDown: () => shuttingDown,
      admitAddress: limits.webhookIp.on ? (address) => limits.take(limits.webhookIp, address) : undefined,
    });
    return {
      config, store, school, nlu, bot, pipeline, outbox, channels, webchat, alerts, features, scheduler, jobs, app, logger,
      async start() {
        await outbox.start();
        await channels.start();
        await dispatcher.start();
        scheduler.start(jobs);
        ops.start();
        await pipeline.recover();
      },
      async close() {
        shuttingDown = true;
        events.close();
        ops.stop();
        await scheduler.stop();
        alerts.stop();
        await dispatcher.stop();
        webchat.closeAll();
        await channels.stop();
        await pipeline.close();
        await outbox.stop();
        await nlu.whenTrained();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** The school's routines: reminders of overdue comments, the trend watch, the reports. */
function featureJobs({ comments, reports, staff }: Features, alerts: AlertService): Job[] {
  const sendReport = (kind: 'week' | 'month') => async () => {
    const report = await reports.build(kind, reports.previous(kind));
    await staff.notifyRoles(['principal', 'admin'], reportSummary(report));
  };
  return [
    { name: 'comments-overdue-reminder', cron: '*/15 * * * *', run: () => comments.remindOverdue() },
    {
      name: 'negative-trend-watch',
      cron: '30 7,13 * * *',
      run: async () => {
        const { spikes, examples, quoted } = await reports.spikes();
        for (const s of spikes) {
          // Each example quoted «code: words», its parent named in the details (erasure redacts it).
          await alerts.raise('negative_trend', `Nguy cơ khủng hoảng truyền thông: ${s.count} phản ánh tiêu cực về «${s.category}» trong 7 ngày qua (trung bình ${s.weeklyMean}/tuần trong 8 tuần trước). Ví dụ: ${(examples[s.category] ?? []).map((e) => `«${e}»`).join(' | ')}`, { ...s, contactIds: quoted[s.category] ?? [] });
        }
      },
    },
    { name: 'weekly-report', cron: '0 7 * * 1', run: sendReport('week') },
    { name: 'monthly-report', cron: '0 7 1 * *', run: sendReport('month') },
  ];
}

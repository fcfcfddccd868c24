// /api/admin/*: the console's session or a bearer token, roles, and an audit entry for every change.
import { Router } from 'express';
import { z } from '@botpress/sdk';
import type { Locale, Store, User } from '../../store/types.ts';
import { ROLES } from '../../store/types.ts';
import type { NluService } from '../../nlu/nlu-service.ts';
import type { SchoolService } from '../../school/school-service.ts';
import type { Bot } from '../../core/bot.ts';
import { todayIn } from '../../core/dates.ts';
import type { UserService } from '../../features/users/user-service.ts';
import { userRoutes } from './user-routes.ts';
import { intentRoutes } from './intent-routes.ts';
import { intentIoRoutes } from './intent-io-routes.ts';
import { unansweredRoutes } from './unanswered-routes.ts';
import { schoolRoutes } from './school-routes.ts';
import { UnansweredService } from '../../features/faq/unanswered-service.ts';
import { authenticate, currentUser, requireRole } from '../auth.ts';
import { auditWriter } from '../audit.ts';
import { parseBody } from '../errors.ts';
import { channelRoutes } from './channel-routes.ts';
import { commentRoutes } from './comment-routes.ts';
import { broadcastRoutes } from './broadcast-routes.ts';
import { contactRoutes } from './contact-routes.ts';
import { ClassScope } from './class-scope.ts';
import { careRoutes } from './care-routes.ts';
import type { Outbox } from '../../core/outbox.ts';
import type { Features } from '../../loa.ts';
import type { ChannelSet } from '../../channels/setup.ts';
import { OverviewService } from '../../features/overview/overview-service.ts';
import { overviewRoutes } from './overview-routes.ts';
import { LiveEvents, type LiveOptions } from './live-events.ts';
import { replyTemplateRoutes } from './reply-template-routes.ts';

export interface AdminDeps {
  store: Store;
  nlu: NluService;
  school: SchoolService;
  bot: Bot;
  channels: ChannelSet;
  features: Features;
  outbox: Outbox;
  adminToken: string | undefined;
  users: UserService;
  /** The console's public address (PUBLIC_URL): the origin changing requests must come from. */
  publicUrl?: string;
  timeZone: string;
  /** True when a locales key exists in every language (answers must). */
  answerExists: (key: string) => boolean;
  /** A locales text as written (placeholders unfilled), to show and edit in the console. */
  localeText?: (key: string, lng: Locale) => string | undefined;
  clock: () => Date;
  /** The live stream's limits (tests and benches change them). */
  live?: LiveOptions;
}

const ALL = ROLES;
const limitOf = (v: unknown, max = 1000) => Math.min(Math.max(Number(v) || 100, 1), max);

export function adminRoutes(deps: AdminDeps): Router {
  const { store, nlu, school, bot, clock } = deps;
  const audit = auditWriter(store, clock);
  const scope = new ClassScope(store, audit);
  const router = Router();
  const unanswered = new UnansweredService({ store, nlu, clock, today: () => todayIn(deps.timeZone, clock()) });
  // The parents whose questions a user may see: staff limited to classes see their classes' only.
  const visibleContacts = (user: User) => scope.visibleContacts(user);
  router.use(authenticate({ users: deps.users, adminToken: deps.adminToken, publicUrl: deps.publicUrl }));

  router.use(userRoutes({
    store, users: deps.users, audit, timeZone: deps.timeZone, classIds: () => school.get('classes').map((c) => c.id),
    unansweredCount: async (user) => unanswered.count(await visibleContacts(user)),
  }));
  router.use(unansweredRoutes({ unanswered, audit, visibleContacts }));

  // What parents asked that the bot could not answer: the list to improve the intents from.
  router.get('/questions/unanswered', requireRole('admin', 'principal', 'staff'), async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const visible = await scope.visibleContacts(currentUser(req));
    const turns = (await store.transcript.list({ answered: false, since: q.since, until: q.until, limit: visible ? 100_000 : limitOf(q.limit) }))
      .filter((t) => !visible || (t.contactId !== null && visible.has(t.contactId)))
      .slice(0, limitOf(q.limit));
    res.json({ questions: turns.map((t) => ({ at: t.at, text: t.text, locale: t.locale, intent: t.intent, confidence: t.confidence, channel: t.channel })) });
  });

  // The FAQ: import and export (before /intents/:id), intents, answers, retraining, warnings, "Try it"
  router.use(intentIoRoutes({ nlu, bot, audit, clock, answerExists: deps.answerExists, localeText: deps.localeText ?? (() => undefined) }));
  router.use(intentRoutes({
    store, nlu, school, bot, audit, clock, timeZone: deps.timeZone, answerExists: deps.answerExists,
    localeText: deps.localeText ?? (() => undefined),
  }));
  router.post('/nlu/parse', requireRole(...ALL), (req, res) => {
    const { text } = parseBody(z.object({ text: z.string().max(2000) }), req.body);
    const result = nlu.parse(text, { today: todayIn(deps.timeZone, clock()), classes: school.get('classes'), rememberedLanguage: null });
    res.json({
      intent: result.intent, confidence: result.confidence, runnerUp: result.runnerUp, rejected: result.rejected,
      language: result.language, normalised: result.normalised, entities: result.entities, modelVersion: nlu.modelVersion,
    });
  });

  // School data, one section at a time
  router.use(schoolRoutes({ school, audit, clock }));

  router.use(channelRoutes({ store, channels: deps.channels, school, audit, clock }));
  router.use(commentRoutes({ store, school, ...deps.features, audit, timeZone: deps.timeZone, clock }));
  router.use(contactRoutes({ store, outbox: deps.outbox, audit, clock, classIds: () => school.get('classes').map((c) => c.id) }));
  router.use(broadcastRoutes({ store, broadcasts: deps.features.broadcasts, groups: deps.features.groups, audit, clock }));
  router.use(careRoutes({ ...deps, audit }));
  // The first screen and what keeps it current without reloading.
  const unansweredCount = async (user: User) => unanswered.count(await visibleContacts(user));
  const overview = new OverviewService({ store, school, comments: deps.features.comments, channels: deps.channels, timeZone: deps.timeZone, clock, unansweredCount });
  const live = new LiveEvents({ events: deps.features.events, visibleContacts }, deps.live);
  router.use(overviewRoutes({ overview, live }));
  router.use(replyTemplateRoutes({ store, audit, clock }));
  return router;
}

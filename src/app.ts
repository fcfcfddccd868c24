// Builds the express app from its dependencies; listening is main.ts's job (tests use supertest).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Locale, Store } from './store/types.ts';
import type { Bot } from './core/bot.ts';
import type { Pipeline } from './core/pipeline.ts';
import type { NluService } from './nlu/nlu-service.ts';
import type { SchoolService } from './school/school-service.ts';
import type { ChannelSet } from './channels/setup.ts';
import type { Outbox } from './core/outbox.ts';
import type { AlertService } from './features/alerts/alert-service.ts';
import type { Features } from './loa.ts';
import { chatRoutes } from './http/chat-routes.ts';
import { privacyRoutes } from './http/privacy-routes.ts';
import { webchatRoutes, type WebchatRouteDeps } from './http/webchat-routes.ts';
import { adminRoutes } from './http/admin/admin-routes.ts';
import { authRoutes } from './http/auth-routes.ts';
import { auditAs } from './http/audit.ts';
import { UserService } from './features/users/user-service.ts';
import { errorHandler, notFoundHandler, shuttingDown } from './http/errors.ts';
import { BODY_LIMIT_BYTES } from './http/limits.ts';
import { securityHeaders } from './http/security-headers.ts';
import type { RateLimits } from './core/rate-limits.ts';
import { metricsRoutes } from './metrics/metrics-route.ts';
import { consoleStatic } from './http/console-static.ts';

export interface AppDeps {
  store: Store;
  bot: Bot;
  pipeline: Pipeline;
  nlu: NluService;
  school: SchoolService;
  channels: ChannelSet;
  outbox: Outbox;
  alerts: AlertService;
  features: Features;
  logger: Logger;
  clock: () => Date;
  adminToken: string | undefined;
  /** PUBLIC_URL: the console's address (its origin is what cookie-signed changes must come from). */
  publicUrl?: string;
  /** TRUST_PROXY: which proxies' X-Forwarded-* headers to believe (HTTPS → Secure cookies). */
  trustProxy?: boolean | number | string;
  timeZone: string;
  answerExists: (key: string) => boolean;
  localeText?: (key: string, lng: Locale) => string | undefined;
  isShuttingDown?: () => boolean;
  /** CSP frame-ancestors (FRAME_ANCESTORS). */
  frameAncestors?: string;
  /** Per-address and per-conversation limits (the web chat's endpoints, the webhooks' processing). */
  limits?: RateLimits;
  /** Bearer token of GET /metrics (METRICS_TOKEN); none: no /metrics. */
  metricsToken?: string;
  /** The web chat's identity, history, live stream and widget (src/http/webchat-routes.ts). */
  webchat?: Omit<WebchatRouteDeps, 'store' | 'school' | 'clock' | 'limits'>;
}

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'http', 'public');

export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Answers are live data that nobody fetches conditionally: no hash of every response body.
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? 'loopback');
  app.use(securityHeaders(deps.frameAncestors));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const storeOk = await deps.store.ping();
    const ready = storeOk && !deps.isShuttingDown?.();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', store: storeOk ? 'ok' : 'unreachable' });
  });

  // While shutting down, refuse new work so that the platforms retry elsewhere or later.
  app.use((req, _res, next) => {
    if (deps.isShuttingDown?.() && req.method === 'POST') return next(shuttingDown());
    next();
  });

  app.use(express.json({ limit: BODY_LIMIT_BYTES }));
  if (deps.webchat) app.use(webchatRoutes({ ...deps.webchat, store: deps.store, school: deps.school, clock: deps.clock, limits: deps.limits }));
  app.use(chatRoutes(deps));
  app.use(metricsRoutes(deps));
  app.use(privacyRoutes(deps));
  const users = new UserService({ store: deps.store, clock: deps.clock });
  app.use('/api/auth', authRoutes({ users, adminToken: deps.adminToken, publicUrl: deps.publicUrl, audit: auditAs(deps.store, deps.clock) }));
  app.use('/api/admin', adminRoutes({ ...deps, users }));
  app.use('/admin', consoleStatic());
  app.use(express.static(PUBLIC_DIR, { index: 'index.html' }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

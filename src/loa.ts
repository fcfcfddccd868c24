// Wires configuration → store → school data → NLU → bot → pipeline → app. main.ts adds listening
// and signals; tests call this with a temporary DATA_DIR and a fixed clock.
import path from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { openStore } from './store/index.ts';
import type { Store } from './store/types.ts';
import { SchoolService } from './school/school-service.ts';
import { NluService } from './nlu/nlu-service.ts';
import { createI18n, LOCALES } from './i18n.ts';
import { Bot } from './core/bot.ts';
import { Pipeline, type ReplyDelivery } from './core/pipeline.ts';
import { schoolInfoHandlers } from './features/handlers.ts';
import { buildApp } from './app.ts';
import { createLogger } from './logger.ts';

export interface Loa {
  config: Config;
  store: Store;
  school: SchoolService;
  nlu: NluService;
  bot: Bot;
  pipeline: Pipeline;
  app: Express;
  logger: Logger;
  /** Stops taking messages, finishes the turns in flight, closes the store. */
  close(): Promise<void>;
}

export interface LoaOptions {
  clock?: () => Date;
  logger?: Logger;
  delivery?: ReplyDelivery;
}

export async function createLoa(config: Config, options: LoaOptions = {}): Promise<Loa> {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const store = await openStore(config);
  try {
    const now = clock();
    const school = await SchoolService.open(store.documents, path.resolve(config.SCHOOL_DIR), now);
    const nlu = await NluService.open(store.documents, path.resolve(config.INTENTS_DIR), now);
    const i18n = await createI18n();
    const bot = new Bot({ config, store, school, nlu, i18n, logger, clock }, schoolInfoHandlers());
    const delivery: ReplyDelivery = options.delivery ?? {
      async deliver(ref) {
        logger.warn({ channel: ref.channel }, 'no outbound channel configured; replies dropped');
      },
    };
    const pipeline = new Pipeline({ store, bot, delivery, logger, clock, maxConcurrent: config.MAX_CONCURRENT_TURNS });
    let shuttingDown = false;
    const app = buildApp({
      store, bot, pipeline, nlu, school, logger, clock, adminToken: config.ADMIN_TOKEN, timeZone: config.TZ,
      answerExists: (key) => LOCALES.every((lng) => i18n.exists(key, { lng, fallbackLng: false })),
      isShuttingDown: () => shuttingDown,
    });
    return {
      config, store, school, nlu, bot, pipeline, app, logger,
      async close() {
        shuttingDown = true;
        await pipeline.close();
        await nlu.whenTrained();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

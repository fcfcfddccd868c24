// Entry point: `npm start`. Reads the configuration, starts answering /healthz at once, opens the
// store and trains the NLU, then serves everything; processes what a previous run left in the
// inbox; stops cleanly on SIGTERM / SIGINT.
import http from 'node:http';
import express from 'express';
import { loadConfig, ConfigError, type Config } from './config.ts';
import { createLoa, type Loa } from './loa.ts';
import { StoreOpenError } from './store/sqlite/sqlite-store.ts';
import { createLogger } from './logger.ts';

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/** What answers while Loa starts: the process is up, nothing else is ready yet. */
function bootingApp(): express.Express {
  const app = express();
  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.use((_req, res) => {
    res.status(503).set('retry-after', '2').json({ error: { code: 'starting', message: 'Loa is starting; try again in a moment' } });
  });
  return app;
}

async function main(): Promise<void> {
  const config = readConfig();
  process.env.TZ = config.TZ;
  const logger = createLogger(config.LOG_LEVEL);

  let handler: http.RequestListener = bootingApp();
  const server = http.createServer((req, res) => handler(req, res));
  server.on('error', (err) => {
    logger.fatal({ err }, `cannot listen on port ${config.PORT}`);
    process.exit(1);
  });
  server.listen(config.PORT, config.HOST);

  let loa: Loa;
  try {
    loa = await createLoa(config, { logger });
  } catch (err) {
    console.error(err instanceof StoreOpenError ? err.message : `Loa could not start: ${(err as Error).message}`);
    process.exit(err instanceof StoreOpenError ? 3 : 1);
  }
  handler = loa.app;
  logger.info({ port: config.PORT, store: loa.store.backend, school: loa.school.get('profile').shortName }, `Loa is ready on http://localhost:${config.PORT}`);
  await loa.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new webhooks, finishing turns in flight');
    const force = setTimeout(() => {
      logger.error('turns did not finish within 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    await loa.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

void main();

// Entry point: `npm start`. Reads the configuration, opens the store, serves HTTP, processes
// what a previous run left in the inbox, and stops cleanly on SIGTERM / SIGINT.
import { loadConfig, ConfigError } from './config.ts';
import { createLoa } from './loa.ts';
import { StoreOpenError } from './store/sqlite/sqlite-store.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  process.env.TZ = config.TZ;

  let loa;
  try {
    loa = await createLoa(config);
  } catch (err) {
    if (err instanceof StoreOpenError) {
      console.error(err.message);
      process.exit(3);
    }
    console.error(`Loa could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  const { logger, app, pipeline } = loa;
  const server = app.listen(config.PORT, config.HOST, () => {
    logger.info({ port: config.PORT, store: loa.store.backend, school: loa.school.get('profile').shortName }, `Loa is listening on http://localhost:${config.PORT}`);
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'cannot listen');
    process.exit(1);
  });
  await pipeline.recover();

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
    server.closeIdleConnections?.();
    await loa.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

void main();

import { ConfigError, loadConfig, type ReadyConfig } from './config/config.js';
import { startDevelopmentDatabase } from './database/embedded-postgres.js';
import { createApp } from './bootstrap.js';
import { createLogger } from './http/request-logging.js';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);

  // Development default: a real PostgreSQL under .data/, kept between runs.
  const embedded = config.databaseUrl ? undefined : await startDevelopmentDatabase();
  if (embedded) logger.info({ applied: embedded.applied }, 'embedded PostgreSQL ready');
  const ready: ReadyConfig = { ...config, databaseUrl: config.databaseUrl ?? embedded!.url };

  const app = await createApp(ready, logger);
  // SIGTERM/SIGINT drain requests and jobs, then close the pools; the embedded server last.
  new GracefulShutdown(app, logger, {
    graceSeconds: ready.shutdownGraceSeconds,
    afterClose: async () => embedded?.stop(),
  }).listen();
  await app.listen(ready.port);
  logger.info({ port: ready.port }, 'Byline is listening');
}

await main();

import { ConfigError, loadConfig, type ReadyConfig } from './config/config.js';
import { startDevelopmentDatabase } from './database/embedded-postgres.js';
import { createApp } from './bootstrap.js';
import { createLogger } from './http/request-logging.js';

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
  // Graceful shutdown closes the HTTP server; the embedded server goes down after it.
  app.getHttpServer().once('close', () => void embedded?.stop());
  await app.listen(ready.port);
  logger.info({ port: ready.port }, 'Byline is listening');
}

await main();

import type { Type } from '@nestjs/common';
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { inject } from 'vitest';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/http/request-logging.js';

/** The real application on the run's database; `env` overrides settings, `extra` adds modules. */
export async function startTestApp(
  env: Record<string, string> = {},
  extra: Type[] = [],
): Promise<NestExpressApplication> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TRUST_PROXY: 'loopback',
    JOBS_ENABLED: 'false',
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    // Tests make many requests quickly; rate-limit tests set low budgets explicitly.
    RATE_LIMIT_WRITES: '1000000',
    RATE_LIMIT_READS: '1000000',
    RATE_LIMIT_PUBLIC_READS: '1000000',
    DATABASE_URL: inject('appDatabaseUrl'),
    ...env,
  });
  const app = await createApp(
    { ...config, databaseUrl: config.databaseUrl! },
    createLogger(config.logLevel),
    extra,
  );
  await app.init();
  return app;
}

/** One application for a describe block: started before its tests, closed after them. */
export function useTestApp(env: Record<string, string> = {}) {
  const handle = {} as { app: NestExpressApplication; server: Server };
  beforeAll(async () => {
    handle.app = await startTestApp(env);
    handle.server = handle.app.getHttpServer();
  });
  afterAll(() => handle.app.close());
  return handle;
}

// Every setting comes from the environment and is validated here, once, at boot.
import os from 'node:os';
import { z } from 'zod';

const weakSecrets = new Set(['secret', 'changeme', 'change-me', 'password', 'development']);

const positiveSeconds = z.coerce.number().int().positive();
const intervalSeconds = z.coerce.number().positive().max(7 * 24 * 3600);
// Bounded waits, in milliseconds (PostgreSQL's own unit for its timeouts).
const waitMillis = z.coerce.number().int().min(1).max(24 * 3600 * 1000);
const budget = z.coerce.number().int().min(1).max(10_000_000);
const booleanSetting = z.enum(['true', 'false']).transform((value) => value === 'true');

const environment = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string')
      .optional(),
    // The owner that runs migrations; the application's DATABASE_URL should be another role
    // (not the owner, no superuser, no BYPASSRLS). Unset: DATABASE_URL, a weaker one-role setup.
    MIGRATION_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_POOL_TIMEOUT_MS: waitMillis.default(5000),
    DATABASE_STATEMENT_TIMEOUT_MS: waitMillis.default(10_000),
    DATABASE_LOCK_TIMEOUT_MS: waitMillis.default(5000),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: waitMillis.default(30_000),
    HEALTH_CHECK_TIMEOUT_MS: waitMillis.default(2000),
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().max(3600).default(10),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    SESSION_SECRET: z.string().optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    // Express's `trust proxy`: false (default), true, a hop count, or addresses/subnets.
    TRUST_PROXY: z.string().default('false'),
    SESSION_IDLE_SECONDS: positiveSeconds.default(1800),
    SESSION_ABSOLUTE_SECONDS: positiveSeconds.default(43200),
    JOBS_ENABLED: booleanSetting.default(true),
    PUBLICATION_EVENTS_INTERVAL_SECONDS: intervalSeconds.default(5),
    WEBHOOK_DELIVERY_INTERVAL_SECONDS: intervalSeconds.default(2),
    HOUSEKEEPING_INTERVAL_SECONDS: intervalSeconds.default(3600),
    WEBHOOK_TIMEOUT_SECONDS: intervalSeconds.default(10),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
    WEBHOOK_RETRY_BASE_SECONDS: intervalSeconds.default(10),
    WEBHOOK_RETRY_MAX_SECONDS: intervalSeconds.default(6 * 3600),
    WEBHOOK_RETRY_JITTER: z.enum(['full', 'none']).default('full'),
    // Lets webhooks reach 127.0.0.0/8 and ::1 (tests); private ranges stay refused.
    WEBHOOK_ALLOW_LOOPBACK: booleanSetting.default(false),
    // Deliveries in flight at once per instance; one author may hold at most
    // WEBHOOK_MAX_IN_FLIGHT_PER_AUTHOR of them (across instances), so a slow author's
    // backlog never takes the workers that other authors' deliveries need.
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    WEBHOOK_MAX_IN_FLIGHT_PER_AUTHOR: z.coerce.number().int().min(1).max(256).default(4),
    WEBHOOK_MAX_ENDPOINTS_PER_AUTHOR: z.coerce.number().int().min(1).max(1000).default(10),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    // Browser origins (scheme://host[:port], comma-separated) allowed to call with credentials.
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s*]+$/, 'each origin is scheme://host[:port], no path, no *'))),
    // Argon2 runs at once (default: the cores; their threads are niced, so reads come first)
    // and sign-ins waiting behind them.
    PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
    PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(1000).default(16),
    // The in-process cache of public responses (src/public-reading/public-cache.ts).
    PUBLIC_CACHE: z.enum(['on', 'off']).default('on'),
    PUBLIC_CACHE_MAX_BYTES: z.coerce.number().int().min(0).default(32 * 1024 * 1024),
    PUBLIC_CACHE_TTL_SECONDS: z.coerce.number().positive().max(3600).default(60),
    // Rate limits: shared through Redis when REDIS_URL is set, else kept in this process.
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
    RATE_LIMIT_ENABLED: booleanSetting.default(true),
    RATE_LIMIT_WINDOW_SECONDS: positiveSeconds.max(24 * 3600).default(60),
    RATE_LIMIT_WRITES: budget.default(60),
    RATE_LIMIT_READS: budget.default(600),
    RATE_LIMIT_PUBLIC_READS: budget.default(1200),
    RATE_LIMIT_KEY_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/).default('byline:rl'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const secret = env.SESSION_SECRET ?? '';
    if (secret.length < 32 || weakSecrets.has(secret.toLowerCase()) || /^(.)\1*$/.test(secret)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'production needs a random SESSION_SECRET of at least 32 characters',
      });
    }
    if (env.TRUST_PROXY.trim().toLowerCase() === 'true') {
      ctx.addIssue({
        code: 'custom',
        path: ['TRUST_PROXY'],
        message:
          'true trusts every X-Forwarded-For hop, so any client can pick its own address (and dodge ' +
          'the per-address sign-in lock); set the number of proxies in front (e.g. 1) or their addresses/subnets',
      });
    }
    if (!env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'production needs DATABASE_URL (the embedded server is for development)',
      });
    }
  });

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export type AppConfig = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof environment>) {
  return {
    env: env.NODE_ENV,
    production: env.NODE_ENV === 'production',
    databaseUrl: env.DATABASE_URL,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseTimeouts: {
      poolMillis: env.DATABASE_POOL_TIMEOUT_MS,
      statementMillis: env.DATABASE_STATEMENT_TIMEOUT_MS,
      lockMillis: env.DATABASE_LOCK_TIMEOUT_MS,
      idleInTransactionMillis: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    healthCheckMillis: env.HEALTH_CHECK_TIMEOUT_MS,
    shutdownGraceSeconds: env.SHUTDOWN_GRACE_SECONDS,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    corsOrigins: env.CORS_ORIGINS,
    session: {
      // Outside production a fixed secret keeps sessions valid across restarts.
      secret: env.SESSION_SECRET ?? 'byline-development-session-secret-not-for-production',
      idleSeconds: env.SESSION_IDLE_SECONDS,
      absoluteSeconds: env.SESSION_ABSOLUTE_SECONDS,
    },
    jobs: {
      enabled: env.JOBS_ENABLED,
      publicationEventsSeconds: env.PUBLICATION_EVENTS_INTERVAL_SECONDS,
      webhookDeliverySeconds: env.WEBHOOK_DELIVERY_INTERVAL_SECONDS,
      housekeepingSeconds: env.HOUSEKEEPING_INTERVAL_SECONDS,
      retentionDays: env.RETENTION_DAYS,
    },
    webhooks: {
      timeoutSeconds: env.WEBHOOK_TIMEOUT_SECONDS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      retryBaseSeconds: env.WEBHOOK_RETRY_BASE_SECONDS,
      retryMaxSeconds: env.WEBHOOK_RETRY_MAX_SECONDS,
      jitter: env.WEBHOOK_RETRY_JITTER,
      allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK,
      concurrency: env.WEBHOOK_CONCURRENCY,
      maxInFlightPerAuthor: env.WEBHOOK_MAX_IN_FLIGHT_PER_AUTHOR,
      maxEndpointsPerAuthor: env.WEBHOOK_MAX_ENDPOINTS_PER_AUTHOR,
      // https only in production; plain http is for development and tests.
      requireHttps: env.NODE_ENV === 'production',
    },
    passwordHashing: {
      concurrency: env.PASSWORD_HASH_CONCURRENCY ?? os.availableParallelism(),
      queue: env.PASSWORD_HASH_QUEUE,
    },
    publicCache: {
      enabled: env.PUBLIC_CACHE === 'on',
      maxBytes: env.PUBLIC_CACHE_MAX_BYTES,
      ttlSeconds: env.PUBLIC_CACHE_TTL_SECONDS,
    },
    rateLimits: {
      enabled: env.RATE_LIMIT_ENABLED,
      redisUrl: env.REDIS_URL,
      keyPrefix: env.RATE_LIMIT_KEY_PREFIX,
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      writes: env.RATE_LIMIT_WRITES,
      reads: env.RATE_LIMIT_READS,
      publicReads: env.RATE_LIMIT_PUBLIC_READS,
    },
  };
}

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = environment.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data);
}

/** The config with its database fixed, once the embedded server (if any) is up. */
export type ReadyConfig = AppConfig & { databaseUrl: string };

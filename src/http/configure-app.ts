import cors, { type CorsOptions } from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { ConnectionDraining } from '../lifecycle/connection-draining.js';
import { installSessions } from '../auth/session/session.middleware.js';
import { PublicCache } from '../public-reading/public-cache.js';
import { answerCacheHitsFirst } from '../public-reading/public-cache-front-door.js';
import { ShutdownState } from '../lifecycle/shutdown-state.js';
import type { ReadyConfig } from '../config/config.js';
import { rateLimits } from '../rate-limits/rate-limit.middleware.js';
import { RateLimiter } from '../rate-limits/rate-limiter.service.js';
import { refuseDeepJson, refuseHostileInput } from './input-policy.middleware.js';
import { jsonOnly, middlewareErrors } from './json-only.middleware.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { privateWhenSettingCookies } from './private-cookies.middleware.js';
import { requestLogging } from './request-logging.js';
import { headersSetBy, securityHeaders, sendSecurityHeaders } from './security-headers.js';

/**
 * Express-level setup shared by main.ts and the tests, in the order requests meet it.
 * Create the app with `bodyParser: false`: the JSON parser is installed here, after the
 * request id exists, so even a malformed body gets a problem with a requestId.
 */
export function configureApp(app: NestExpressApplication, config: ReadyConfig, logger: Logger) {
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  const headers = securityHeaders();
  app.use(requestLogging(logger));
  app.use(app.get(ConnectionDraining).middleware);
  app.use(sendSecurityHeaders(headers));
  const crossOrigin = config.corsOrigins.length ? corsOptions(config.corsOrigins) : null;
  if (crossOrigin) app.enableCors(crossOrigin);
  // Responses are per-user unless a route says otherwise (public reading does).
  app.use(noStoreByDefault);
  app.use(privateWhenSettingCookies);
  installSessions(app, config);
  // Before the body is looked at: a refused body (not JSON, malformed, hostile) spends budget too.
  app.use(rateLimits(app.get(RateLimiter)));
  app.use(jsonOnly);
  app.use(express.json({ limit: '1mb', verify: refuseDeepJson }));
  app.use(refuseHostileInput);
  app.use(middlewareErrors);
  // No enableShutdownHooks: its hooks end the pool while requests still run;
  // main.ts installs GracefulShutdown, which drains first.
  setUpOpenApi(app);
  // Public cache hits are answered before all of the above (public-cache-front-door.ts).
  answerCacheHitsFirst(app.getHttpServer(), {
    cache: app.get(PublicCache),
    limiter: app.get(RateLimiter),
    logger,
    securityHeaders: headers,
    trustProxy: app.getHttpAdapter().getInstance().get('trust proxy fn'),
    shutdown: app.get(ShutdownState),
    corsWithoutOrigin: crossOrigin && corsHeadersWithoutOrigin(crossOrigin),
  });
}

/**
 * Cross-origin browser apps on the allowlist may call with credentials (the session cookie);
 * every other origin gets no CORS headers, so browsers keep its scripts from reading answers.
 */
function corsOptions(origins: string[]) {
  return {
    origin: origins,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'X-CSRF-Token', 'Idempotency-Key', 'If-None-Match', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'ETag', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Idempotent-Replayed'],
    maxAge: 600,
  };
}

/** What the CORS middleware (the one enableCors installs) sends a GET without an Origin. */
function corsHeadersWithoutOrigin(options: CorsOptions): Array<[string, string]> {
  return headersSetBy('cors', cors(options), { method: 'GET', headers: {} });
}

function noStoreByDefault(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

function setUpOpenApi(app: NestExpressApplication) {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
}

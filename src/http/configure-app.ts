import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { ConnectionDraining } from '../lifecycle/connection-draining.js';
import { installSessions } from '../auth/session/session.middleware.js';
import { PublicCache } from '../public-reading/public-cache.js';
import { publicCacheFastPath } from '../public-reading/public-cache.middleware.js';
import type { ReadyConfig } from '../config/config.js';
import { rateLimits } from '../rate-limits/rate-limit.middleware.js';
import { RateLimiter } from '../rate-limits/rate-limiter.service.js';
import { refuseDeepJson, refuseHostileInput } from './input-policy.middleware.js';
import { jsonOnly, middlewareErrors } from './json-only.middleware.js';
import { privateWhenSettingCookies } from './private-cookies.middleware.js';
import { requestLogging } from './request-logging.js';

/**
 * Express-level setup shared by main.ts and the tests, in the order requests meet it.
 * Create the app with `bodyParser: false`: the JSON parser is installed here, after the
 * request id exists, so even a malformed body gets a problem with a requestId.
 */
export function configureApp(app: NestExpressApplication, config: ReadyConfig, logger: Logger) {
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  app.use(requestLogging(logger));
  app.use(app.get(ConnectionDraining).middleware);
  app.use(helmet());
  // Responses are per-user unless a route says otherwise (public reading does).
  app.use(noStoreByDefault);
  app.use(privateWhenSettingCookies);
  installSessions(app, config);
  // Before the body is looked at: a refused body (not JSON, malformed, hostile) spends budget too.
  app.use(rateLimits(app.get(RateLimiter)));
  app.use(jsonOnly);
  app.use(express.json({ limit: '1mb', verify: refuseDeepJson }));
  app.use(refuseHostileInput);
  // A cached public response needs nothing below (public-cache.middleware.ts); rate limits
  // apply to it like to any public read.
  app.use(publicCacheFastPath(app.get(PublicCache)));
  app.use(middlewareErrors);
  // No enableShutdownHooks: its hooks end the pool while requests still run;
  // main.ts installs GracefulShutdown, which drains first.
  setUpOpenApi(app);
}

function noStoreByDefault(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

function setUpOpenApi(app: NestExpressApplication) {
  const document = new DocumentBuilder()
    .setTitle('Byline')
    .setDescription('Multi-tenant publishing backend. Errors are application/problem+json.')
    .setVersion('1')
    .addCookieAuth('byline.sid')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, document), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
}

import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ReadyConfig } from '../../config/config.js';
import { DatabaseService } from '../../database/database.service.js';
import { judgeSession } from './session-policy.js';
import { SessionStore } from './session-store.js';
import { tenantFromSession } from './tenant-scope.middleware.js';
import './session-data.js';

export function sessionCookieName(config: ReadyConfig): string {
  // __Host- makes browsers insist on Secure, Path=/ and no Domain.
  return config.production ? '__Host-byline.sid' : 'byline.sid';
}

/**
 * Sessions live in PostgreSQL (connect-pg-simple, table made by a migration). A session is
 * saved only when it changes; judgeSession decides when lastSeenAt is rewritten (about once
 * a minute) and when idle or absolute time has run out, whatever the cookie says.
 */
export function installSessions(app: NestExpressApplication, config: ReadyConfig): void {
  const store = new SessionStore(app.get(DatabaseService).pool);
  const sessions = session({
    name: sessionCookieName(config),
    secret: config.session.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: config.production,
      maxAge: config.session.idleSeconds * 1000,
    },
  });
  // After session(): it installs the store's `generate`, which this wraps.
  store.trackGenerated();
  app.use(sessions);
  app.use(enforceSessionLimits(config));
  app.use(passport.session());
  app.use(tenantFromSession);
}

function enforceSessionLimits(config: ReadyConfig) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const current = req.session;
    if (!current?.createdAt) return next();
    const now = Date.now();
    const verdict = judgeSession(
      { createdAt: current.createdAt, lastSeenAt: current.lastSeenAt ?? current.createdAt },
      config.session,
      now,
    );
    if (verdict === 'fresh') return next();
    // Public reading is cacheable: touching would save the session and re-send its cookie.
    if (verdict === 'touch' && isPublicReading(req)) return next();
    if (verdict === 'touch') {
      current.lastSeenAt = now;
      return next();
    }
    // Destroys the stored session and carries on with an empty one: signed out.
    current.regenerate(next);
  };
}

/** Anonymous, cacheable reading: it never writes the session. */
export function isPublicReading(req: Request): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.path.startsWith('/v1/public/');
}

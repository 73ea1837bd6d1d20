import { Logger } from '@nestjs/common';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import { isWellFormedSession } from './session-shape.js';

const logger = new Logger('SessionStore');

/**
 * connect-pg-simple on the shared pool. Its errors reach express-session's next(err), where
 * the problem mapping answers 503 when the database is unavailable. A stored session of the
 * wrong shape is logged, deleted (so it is logged once) and read as no session: 401, not 500.
 */
export function createSessionStore(pool: pg.Pool): session.Store {
  const PgStore = connectPgSimple(session);
  class CheckedStore extends PgStore {
    override get(sid: string, callback: (error: unknown, sess?: session.SessionData | null) => void): void {
      super.get(sid, (error: unknown, sess?: session.SessionData | null) => {
        if (error || sess == null || isWellFormedSession(sess)) return callback(error, sess);
        logger.warn('a stored session is malformed; treating it as no session and deleting it');
        this.destroy(sid, () => callback(null, null));
      });
    }
  }
  return new CheckedStore({
    pool,
    tableName: 'session',
    createTableIfMissing: false,
    // express-session would otherwise rewrite `expire` on every request.
    disableTouch: true,
    // Expired rows are pruned by housekeeping, once, not by every instance.
    pruneSessionInterval: false,
  });
}

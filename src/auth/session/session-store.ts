import { Logger } from '@nestjs/common';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import { isWellFormedSession } from './session-shape.js';

const logger = new Logger('SessionStore');

type QueryCallback = (error: unknown, row?: { sess: unknown }) => void;

/**
 * connect-pg-simple on the shared pool. Its errors reach express-session's next(err), where
 * the problem mapping answers 503 when the database is unavailable. A stored session of the
 * wrong shape is logged, deleted (so it is logged once) and read as no session: 401, not 500.
 */
export function createSessionStore(pool: pg.Pool): session.Store {
  const PgStore = connectPgSimple(session);
  class CheckedStore extends PgStore {
    // connect-pg-simple's get, plus the shape check; its own query helper (untyped) keeps
    // its error handling.
    override get(sid: string, callback: (error: unknown, sess?: session.SessionData | null) => void): void {
      const store = this as unknown as { query: (sql: string, params: unknown[], fn: QueryCallback) => void };
      store.query('SELECT sess FROM "session" WHERE sid = $1 AND expire >= now()', [sid], (error, row) => {
        if (error) return callback(error);
        if (!row) return callback(null, null);
        if (isWellFormedSession(row.sess)) return callback(null, row.sess as session.SessionData);
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

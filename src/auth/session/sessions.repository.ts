import { Injectable } from '@nestjs/common';
import { DatabaseService, type Transaction } from '../../database/database.service.js';

export interface StoredSession {
  sid: string;
  handle: string | null;
  createdAt: number | null;
  lastSeenAt: number | null;
  userAgent: string | null;
  ip: string | null;
}

/**
 * The session table, by user. `user_id` is kept in step with the session's passport user
 * by a trigger, so these are indexed lookups. Row-level security shows the application only
 * the signed-in user's own sessions (the tenant), whatever the user id asked for.
 */
@Injectable()
export class SessionsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('sessions: every query below filters by user_id itself');
  }

  listForUser(userId: string): Promise<StoredSession[]> {
    return this.db.$queryRaw<StoredSession[]>`
      SELECT sid,
             sess->>'handle' AS "handle",
             (sess->>'createdAt')::float8 AS "createdAt",
             (sess->>'lastSeenAt')::float8 AS "lastSeenAt",
             sess->>'userAgent' AS "userAgent",
             sess->>'ip' AS "ip"
      FROM "session"
      WHERE user_id = ${userId}::uuid AND expire > now()
      ORDER BY (sess->>'createdAt')::float8 DESC`;
  }

  /** Ends the user's session with that handle; false when the user has none such. */
  async endByHandle(userId: string, handle: string): Promise<boolean> {
    const ended = await this.db.$executeRaw`
      DELETE FROM "session" WHERE user_id = ${userId}::uuid AND sess->>'handle' = ${handle}`;
    return ended > 0;
  }

  /**
   * Ends every session of the user except `keepSid` (all of them when it is null): the
   * tenant's own, or another account's when the tenant holds users.manage (the database
   * checks, in sessions_end_for_user; no one reads another user's session rows).
   */
  async endAllForUser(
    userId: string,
    keepSid: string | null = null,
    // In a request's transaction (an idempotent write) the sessions end with its commit.
    tx: Transaction = this.database.unscoped('sessions: the query filters by user_id itself', 'join-request'),
  ): Promise<number> {
    const [{ ended }] = await tx.$queryRaw<Array<{ ended: number }>>`
      SELECT sessions_end_for_user(${userId}::uuid, ${keepSid}::text) AS ended`;
    return ended;
  }
}

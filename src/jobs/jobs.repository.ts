import { Injectable } from '@nestjs/common';
import { DatabaseService, type Transaction } from '../database/database.service.js';

/** A delivery claimed for sending, with what the request needs. */
export interface ClaimedDelivery {
  id: string;
  attempts: number;
  userId: string;
  endpointId: string;
  url: string;
  secret: string;
  eventId: string;
  type: string;
  createdAt: Date;
  data: unknown;
}

export interface ClaimLimits {
  /** Free workers of this instance. */
  slots: number;
  /** Deliveries one author may have in flight at once, across instances. */
  perAuthor: number;
  /** How long the claim holds the endpoint and the delivery (the attempt's timeout and more). */
  leaseSeconds: number;
}

/**
 * The jobs' SQL that crosses tenants, in one place: the clock path of publication events and
 * the claiming and recording of webhook deliveries of every author.
 */
@Injectable()
export class JobsRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * As the jobs' role (byline_worker, SET LOCAL ROLE in one transaction): every author's
   * rows, but only the tables and columns these statements need.
   */
  private asWorker<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.worker('jobs: publication events and webhook deliveries of every author', work);
  }

  /**
   * Touches up to `batch` posts whose publishAt passed since their last transition; their
   * trigger writes the events (see the publication transitions migration). Reads only the
   * partial index of posts not on the air, so a tick costs what is due, not the history.
   */
  async publishDuePosts(batch: number): Promise<number> {
    const [row] = await this.asWorker((tx) => tx.$queryRaw<{ n: number }[]>`SELECT publish_due_posts(${batch}::int) AS n`);
    return row.n;
  }

  /**
   * Claims the head (earliest waiting event) of idle endpoints with due work, taking authors
   * in turns (each author's first endpoint, then each one's second …), with at most
   * `perAuthor` endpoints of one author in flight. Each endpoint is leased (busy_until), so
   * it has at most one delivery in flight across instances; SKIP LOCKED lets instances claim
   * side by side. A lease that lapses (a crash) frees the endpoint and makes the delivery due.
   * A disabled endpoint's deliveries wait (until it is enabled again).
   */
  claimDeliveries({ slots, perAuthor, leaseSeconds }: ClaimLimits): Promise<ClaimedDelivery[]> {
    return this.asWorker((tx) => tx.$queryRaw<ClaimedDelivery[]>`
      WITH heads AS (
        SELECT DISTINCT ON (d.endpoint_id) d.id, d.endpoint_id, d.user_id, d.next_attempt_at
        FROM webhook_deliveries d
        WHERE d.state IN ('pending', 'retrying') AND d.next_attempt_at <= now()
        ORDER BY d.endpoint_id, d.position
      ), in_flight AS (
        SELECT user_id, count(*) AS busy FROM webhook_endpoints
        WHERE busy_until > now() GROUP BY user_id
      ), turns AS (
        SELECT h.*, row_number() OVER (PARTITION BY h.user_id ORDER BY h.next_attempt_at, h.endpoint_id) AS turn
        FROM heads h JOIN webhook_endpoints w ON w.id = h.endpoint_id
        WHERE w.disabled_at IS NULL AND (w.busy_until IS NULL OR w.busy_until <= now())
      ), picked AS (
        SELECT t.* FROM turns t LEFT JOIN in_flight f ON f.user_id = t.user_id
        WHERE t.turn + COALESCE(f.busy, 0) <= ${perAuthor}
        ORDER BY t.turn, t.next_attempt_at, t.id
        LIMIT ${slots}
      ), locked AS (
        SELECT w.id FROM webhook_endpoints w
        WHERE w.id IN (SELECT endpoint_id FROM picked) AND w.disabled_at IS NULL
          AND (w.busy_until IS NULL OR w.busy_until <= now())
        FOR UPDATE SKIP LOCKED
      ), leased AS (
        UPDATE webhook_endpoints w SET busy_until = now() + make_interval(secs => ${leaseSeconds})
        FROM locked WHERE w.id = locked.id
        RETURNING w.id, w.url, w.secret
      ), claimed AS (
        UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
        FROM picked p JOIN leased l ON l.id = p.endpoint_id
        WHERE d.id = p.id AND d.state IN ('pending', 'retrying')
        RETURNING d.id, d.attempts, d.user_id, d.endpoint_id, d.event_id, l.url, l.secret
      )
      SELECT c.id, c.attempts, c.user_id AS "userId", c.endpoint_id AS "endpointId", c.url, c.secret,
             e.id AS "eventId", e.type, e.created_at AS "createdAt", e.data
      FROM claimed c JOIN outbox_events e ON e.id = c.event_id
      ORDER BY e.position`);
  }

  async delivered(delivery: ClaimedDelivery, status: number): Promise<void> {
    await this.asWorker(async (tx) => {
      await tx.$executeRaw`
        UPDATE webhook_deliveries SET state = 'delivered', last_status = ${status}, last_error = NULL,
          delivered_at = now(), next_attempt_at = NULL
        WHERE id = ${delivery.id}::uuid`;
      await this.release(tx, delivery.endpointId);
    });
  }

  /** A failed attempt: retried after `retryInSeconds`, or dead when that is null. */
  async failed(
    delivery: ClaimedDelivery,
    outcome: { status: number | null; error: string; retryInSeconds: number | null; disableEndpoint: boolean },
  ): Promise<void> {
    const dead = outcome.retryInSeconds === null;
    await this.asWorker(async (tx) => {
      await tx.$executeRaw`
        UPDATE webhook_deliveries
        SET state = ${dead ? 'dead' : 'retrying'}, last_status = ${outcome.status}, last_error = ${outcome.error},
            next_attempt_at = CASE WHEN ${dead} THEN NULL ELSE now() + make_interval(secs => ${outcome.retryInSeconds ?? 0}) END
        WHERE id = ${delivery.id}::uuid`;
      if (outcome.disableEndpoint) {
        await tx.$executeRaw`UPDATE webhook_endpoints SET disabled_at = now(), busy_until = NULL WHERE id = ${delivery.endpointId}::uuid`;
      } else {
        await this.release(tx, delivery.endpointId);
      }
    });
  }

  /** An attempt abandoned at shutdown: due again at once, the attempt not counted. */
  async abandoned(delivery: ClaimedDelivery): Promise<void> {
    await this.asWorker(async (tx) => {
      await tx.$executeRaw`
        UPDATE webhook_deliveries SET attempts = greatest(attempts - 1, 0), next_attempt_at = now()
        WHERE id = ${delivery.id}::uuid AND state IN ('pending', 'retrying')`;
      await this.release(tx, delivery.endpointId);
    });
  }

  private release(tx: Transaction, endpointId: string) {
    return tx.$executeRaw`UPDATE webhook_endpoints SET busy_until = NULL WHERE id = ${endpointId}::uuid`;
  }
}

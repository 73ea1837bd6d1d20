import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { DatabaseService, type Transaction } from '../database/database.service.js';
import type { Job } from '../jobs/job.js';
import { type RetryPolicy, retryDelaySeconds } from './retry-policy.js';
import { signatureHeader } from './signature.js';
import { postWebhook, type SendOutcome } from './webhook-sender.js';

interface Claimed {
  id: string;
  attempts: number;
  url: string;
  secret: string;
  endpointId: string;
  endpointDisabled: boolean;
  eventId: string;
  type: string;
  createdAt: Date;
  data: unknown;
}

const batchSize = 20;

/**
 * Sends due deliveries. Each tick claims a batch with FOR UPDATE SKIP LOCKED and leases it
 * (next_attempt_at moves past the attempt's timeout), so any number of instances share the
 * work without sending one delivery twice at once; a lease that lapses (a crash mid-send)
 * makes the delivery due again: at least once, never zero times.
 */
@Injectable()
export class WebhookDeliveryJob implements Job {
  readonly name = 'webhook-delivery';
  readonly exclusive = false;
  readonly intervalSeconds: number;
  private readonly logger = new Logger(WebhookDeliveryJob.name);
  private readonly policy: RetryPolicy;

  constructor(
    private readonly database: DatabaseService,
    @Inject(APP_CONFIG) private readonly config: ReadyConfig,
  ) {
    this.intervalSeconds = config.jobs.webhookDeliverySeconds;
    const { retryBaseSeconds, retryMaxSeconds, maxAttempts, jitter } = config.webhooks;
    this.policy = { baseSeconds: retryBaseSeconds, maxSeconds: retryMaxSeconds, maxAttempts, jitter };
  }

  /** As the jobs' role (byline_worker): every author's rows, only the tables it needs. */
  private asWorker<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.worker('jobs: webhook deliveries of every author', work);
  }

  async run(): Promise<void> {
    for (const delivery of await this.claim()) {
      await this.record(delivery, delivery.endpointDisabled ? { error: 'endpoint disabled' } : await this.send(delivery));
    }
  }

  private claim(): Promise<Claimed[]> {
    const leaseSeconds = this.config.webhooks.timeoutSeconds + 30;
    return this.asWorker((tx) => tx.$queryRaw<Claimed[]>`
      WITH due AS (
        SELECT d.id FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
        WHERE d.state IN ('pending', 'retrying') AND d.next_attempt_at <= now()
        ORDER BY d.next_attempt_at, e.publish_at, d.id
        LIMIT ${batchSize}
        FOR UPDATE OF d SKIP LOCKED
      ), claimed AS (
        UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
        FROM due WHERE d.id = due.id
        RETURNING d.id, d.attempts, d.endpoint_id, d.event_id
      )
      SELECT c.id, c.attempts, w.url, w.secret, w.id AS "endpointId",
             w.disabled_at IS NOT NULL AS "endpointDisabled",
             e.id AS "eventId", e.type, e.created_at AS "createdAt", e.data
      FROM claimed c
      JOIN webhook_endpoints w ON w.id = c.endpoint_id
      JOIN outbox_events e ON e.id = c.event_id
      ORDER BY e.publish_at, c.id`);
  }

  private send(delivery: Claimed): Promise<SendOutcome> {
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.type,
      createdAt: delivery.createdAt.toISOString(),
      data: delivery.data,
    });
    return postWebhook(
      delivery.url,
      body,
      {
        'user-agent': 'Byline-Webhooks/1',
        'byline-event-id': delivery.eventId,
        'byline-signature': signatureHeader(delivery.secret, body, Math.floor(Date.now() / 1000)),
      },
      { timeoutMs: this.config.webhooks.timeoutSeconds * 1000, allowLoopback: this.config.webhooks.allowLoopback },
    );
  }

  /** 2xx delivered; 410 disables the endpoint; anything else retries until the last attempt. */
  private async record(delivery: Claimed, outcome: SendOutcome): Promise<void> {
    const status = 'status' in outcome ? outcome.status : null;
    const error = 'error' in outcome ? outcome.error : null;
    if (status !== null && status >= 200 && status < 300) {
      await this.asWorker((tx) => tx.$executeRaw`
        UPDATE webhook_deliveries SET state = 'delivered', last_status = ${status}, last_error = NULL,
          delivered_at = now(), next_attempt_at = NULL
        WHERE id = ${delivery.id}::uuid`);
      return;
    }
    const gone = status === 410;
    const dead = gone || delivery.endpointDisabled || delivery.attempts >= this.policy.maxAttempts;
    const delay = retryDelaySeconds(this.policy, delivery.attempts);
    await this.asWorker(async (tx) => {
      await tx.$executeRaw`
      UPDATE webhook_deliveries
      SET state = ${dead ? 'dead' : 'retrying'}, last_status = ${status}, last_error = ${error},
          next_attempt_at = CASE WHEN ${dead} THEN NULL ELSE now() + make_interval(secs => ${delay}) END
      WHERE id = ${delivery.id}::uuid`;
      if (gone) {
        await tx.$executeRaw`UPDATE webhook_endpoints SET disabled_at = now() WHERE id = ${delivery.endpointId}::uuid`;
      }
    });
    if (gone) {
      this.logger.warn(`webhook endpoint ${delivery.endpointId} answered 410 and is disabled`);
    }
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { DatabaseService, type Transaction } from '../database/database.service.js';
import type { Job } from './job.js';

/**
 * Prunes what has served its purpose: expired sessions, stale counters, old deliveries,
 * idempotency keys past their 24 hours.
 */
@Injectable()
export class HousekeepingJob implements Job {
  readonly name = 'housekeeping';
  readonly exclusive = true;
  readonly intervalSeconds: number;
  private readonly retentionDays: number;
  private readonly logger = new Logger(HousekeepingJob.name);

  constructor(
    private readonly database: DatabaseService,
    @Inject(APP_CONFIG) config: ReadyConfig,
  ) {
    this.intervalSeconds = config.jobs.housekeepingSeconds;
    this.retentionDays = config.jobs.retentionDays;
  }

  async run(): Promise<void> {
    const { sessions, throttles, deliveries, events, idempotencyKeys } = await this.database.worker(
      'jobs: housekeeping prunes expired rows of every user',
      (db) => this.prune(db, this.retentionDays),
    );
    this.logger.log(
      `pruned ${sessions} sessions, ${throttles} login counters, ${deliveries} deliveries, ${events} events, ${idempotencyKeys} idempotency keys`,
    );
  }

  private async prune(db: Transaction, days: number) {
    const sessions = await db.$executeRaw`DELETE FROM "session" WHERE expire < now()`;
    const [{ throttles }] = await db.$queryRaw<{ throttles: number }[]>`SELECT login_throttles_prune() AS throttles`;
    const deliveries = await db.$executeRaw`
      DELETE FROM webhook_deliveries
      WHERE state IN ('delivered', 'dead') AND created_at < now() - make_interval(days => ${days})`;
    // Events are identified by the post's transition number, kept on the post, so pruning
    // an old event never makes anything write it again.
    const events = await db.$executeRaw`
      DELETE FROM outbox_events e
      WHERE e.created_at < now() - make_interval(days => ${days})
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`;
    const idempotencyKeys = await db.$executeRaw`DELETE FROM idempotency_keys WHERE expires_at < now()`;
    return { sessions, throttles, deliveries, events, idempotencyKeys };
  }
}

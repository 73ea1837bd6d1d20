import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import { TenantDatabase } from '../database/tenant/tenant-database.service.js';

export interface KeptResponse {
  fingerprint: string;
  responseStatus: number;
  responseBody: string | null;
}

/**
 * The current user's idempotency keys. Every method runs in the request's transaction
 * (the ambient one that IdempotencyInterceptor opens), so a kept response exists exactly
 * when the change it answers for committed.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(
    private readonly tenant: TenantDatabase,
    private readonly database: DatabaseService,
  ) {}

  /**
   * Takes the key's lock for this transaction without waiting: false while another
   * request with the key is running (on any instance). Also returns the database clock.
   */
  async tryLock(key: string): Promise<{ locked: boolean; now: Date }> {
    const db = this.database.unscoped('idempotency: an advisory lock named by the user and key', 'join-request');
    const [row] = await db.$queryRaw<{ locked: boolean; now: Date }[]>`
      SELECT pg_try_advisory_xact_lock(hashtext('byline:idempotency'), hashtext(${this.tenant.userId()} || ':' || ${key})) AS locked,
             now() AS now`;
    return row;
  }

  /** The response kept for `key`, unless it has expired (then it is forgotten). */
  async find(key: string, now: Date): Promise<KeptResponse | null> {
    const kept = await this.tenant.client.idempotencyKey.findUnique({
      where: { userId_key: { userId: this.tenant.userId(), key } },
      select: { fingerprint: true, responseStatus: true, responseBody: true, expiresAt: true },
    });
    if (!kept) return null;
    if (kept.expiresAt > now) return kept;
    await this.tenant.client.idempotencyKey.deleteMany({ where: { key } });
    return null;
  }

  async keep(key: string, response: KeptResponse, expiresAt: Date): Promise<void> {
    await this.tenant.client.idempotencyKey.create({
      data: { ...response, key, expiresAt, userId: this.tenant.userId() },
      select: { key: true },
    });
  }
}

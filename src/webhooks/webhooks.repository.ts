import { Injectable } from '@nestjs/common';
import { after as keysetAfter, type Position } from '../database/keyset.js';
import { DatabaseService } from '../database/database.service.js';
import { TenantDatabase } from '../database/tenant/tenant-database.service.js';

const endpointFields = { id: true, url: true, events: true, description: true, disabledAt: true, createdAt: true } as const;
const deliveryFields = {
  id: true,
  eventId: true,
  state: true,
  attempts: true,
  lastStatus: true,
  lastError: true,
  nextAttemptAt: true,
  createdAt: true,
  event: { select: { type: true } },
} as const;

/** The current user's endpoints and their deliveries, through the tenant layer. */
@Injectable()
export class WebhooksRepository {
  constructor(
    private readonly tenant: TenantDatabase,
    private readonly database: DatabaseService,
  ) {}

  /**
   * Creates the endpoint unless the user already has `cap`; null then. Creates of one user
   * are serialised by a transaction-scoped advisory lock, so concurrent ones cannot pass the
   * cap together. The transaction joins the request's one when there is one (an idempotent
   * POST), so the endpoint and the kept response still commit together.
   */
  create(data: { url: string; events: string[]; description: string; secret: string }, cap: number) {
    const userId = this.tenant.userId();
    return this.database.transaction(async (tx) => {
      // Only the lock runs on the raw transaction; the count and the create are scoped.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('byline:webhook-endpoints'), hashtext(${userId}))`;
      if ((await this.tenant.client.webhookEndpoint.count()) >= cap) return null;
      return this.tenant.client.webhookEndpoint.create({
        data: { ...data, userId },
        select: { ...endpointFields, secret: true },
      });
    });
  }

  /** Disables or enables the endpoint; null when it is not mine. */
  async setDisabled(id: string, disabled: boolean) {
    const { count } = await this.tenant.client.webhookEndpoint.updateMany({
      where: { id, disabledAt: disabled ? null : { not: null } },
      data: { disabledAt: disabled ? new Date() : null },
    });
    if (!count && !(await this.exists(id))) return null;
    return this.tenant.client.webhookEndpoint.findFirst({ where: { id }, select: endpointFields });
  }

  list(limit: number, position?: Position) {
    return this.tenant.client.webhookEndpoint.findMany({
      where: keysetAfter(position, 'createdAt'),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: endpointFields,
    });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.tenant.client.webhookEndpoint.count({ where: { id } })) > 0;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.tenant.client.webhookEndpoint.deleteMany({ where: { id } })).count > 0;
  }

  deliveries(endpointId: string, limit: number, position?: Position) {
    return this.tenant.client.webhookDelivery.findMany({
      where: { endpointId, ...keysetAfter(position, 'createdAt') },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: deliveryFields,
    });
  }

  /** Queues the delivery again with a fresh set of attempts; false when it is not mine. */
  async redeliver(endpointId: string, deliveryId: string): Promise<boolean> {
    const { count } = await this.tenant.client.webhookDelivery.updateMany({
      where: { id: deliveryId, endpointId },
      data: { state: 'pending', attempts: 0, nextAttemptAt: new Date(0), lastError: null },
    });
    return count > 0;
  }
}

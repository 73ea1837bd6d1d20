import { Injectable } from '@nestjs/common';
import { after as keysetAfter, type Position } from '../database/keyset.js';
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
  constructor(private readonly tenant: TenantDatabase) {}

  create(data: { url: string; events: string[]; description: string; secret: string }) {
    return this.tenant.client.webhookEndpoint.create({
      data: { ...data, userId: this.tenant.userId() },
      select: { ...endpointFields, secret: true },
    });
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

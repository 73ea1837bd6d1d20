import { Injectable } from '@nestjs/common';
import { TenantDatabase } from '../database/tenant/tenant-database.service.js';

const tagFields = { id: true, name: true, createdAt: true } as const;

/** The current user's tags, through the tenant layer. */
@Injectable()
export class TagsRepository {
  constructor(private readonly tenant: TenantDatabase) {}

  create(name: string) {
    return this.tenant.client.tag.create({
      data: { name, userId: this.tenant.userId() },
      select: tagFields,
    });
  }

  /** Newest first, keyset-paginated on (createdAt, id). */
  list(limit: number, after?: { at: Date; id: string }) {
    return this.tenant.client.tag.findMany({
      where: after
        ? {
            OR: [
              { createdAt: { lt: after.at } },
              { createdAt: after.at, id: { lt: after.id } },
            ],
          }
        : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: tagFields,
    });
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.tenant.client.tag.deleteMany({ where: { id } });
    return count > 0;
  }
}

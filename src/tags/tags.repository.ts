import { Injectable } from '@nestjs/common';
import { after as keysetAfter, type Position } from '../database/keyset.js';
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
  list(limit: number, position?: Position) {
    return this.tenant.client.tag.findMany({
      where: keysetAfter(position, 'createdAt'),
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

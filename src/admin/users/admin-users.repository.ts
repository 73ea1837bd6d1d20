import { Injectable } from '@nestjs/common';
import { DatabaseService, type Transaction } from '../../database/database.service.js';
import { after as keysetAfter, type Position } from '../../database/keyset.js';

const adminUserFields = {
  id: true,
  email: true,
  handle: true,
  displayName: true,
  disabledAt: true,
  createdAt: true,
  roles: { select: { roleName: true }, orderBy: { roleName: 'asc' } },
} as const;

/** Every account, for administrators. */
@Injectable()
export class AdminUsersRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('administration: accounts, behind users.read / users.manage');
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  /** Oldest first, keyset-paginated on (createdAt, id). */
  list(limit: number, position?: Position) {
    return this.db.user.findMany({
      where: keysetAfter(position, 'createdAt', 'asc'),
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: adminUserFields,
    });
  }

  find(tx: Transaction, id: string) {
    return tx.user.findUnique({ where: { id }, select: adminUserFields });
  }

  async setDisabled(tx: Transaction, id: string, disabled: boolean) {
    return tx.user.update({
      where: { id },
      data: { disabledAt: disabled ? new Date() : null },
      select: adminUserFields,
    });
  }
}

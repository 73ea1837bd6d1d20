import { Injectable } from '@nestjs/common';
import { DatabaseService, type Transaction } from '../../database/database.service.js';
import { allPermissions, builtInRoles, type Permission } from '../access/permissions.js';
import type { Account, AuthUser } from '../auth-user.js';

const accountFields = {
  id: true,
  email: true,
  handle: true,
  displayName: true,
  createdAt: true,
} as const;

/** Accounts are platform data: they are the tenants, not rows a tenant owns. */
@Injectable()
export class UsersRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('accounts: users are the tenants themselves');
  }

  /**
   * The user a session belongs to, with roles and permissions, in one indexed query; null
   * once the account is gone or disabled. Runs on every request that carries a session.
   */
  async findActive(id: string): Promise<AuthUser | null> {
    const [row] = await this.db.$queryRaw<Array<Account & { roles: string[]; permissions: string[] }>>`
      SELECT u.id, u.email, u.handle, u.display_name AS "displayName", u.created_at AS "createdAt",
             COALESCE(array_agg(DISTINCT ur.role_name) FILTER (WHERE ur.role_name IS NOT NULL), '{}') AS roles,
             COALESCE(array_agg(DISTINCT rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS permissions
      FROM users u
      LEFT JOIN user_roles ur ON ur.user_id = u.id
      LEFT JOIN role_permissions rp ON rp.role_name = ur.role_name
      WHERE u.id = ${id}::uuid AND u.disabled_at IS NULL
      GROUP BY u.id`;
    if (!row) return null;
    // admin holds every permission, including ones added after its rows were written.
    const permissions = row.roles.includes(builtInRoles.admin)
      ? allPermissions
      : (row.permissions as Permission[]);
    return { ...row, permissions };
  }

  findCredentials(email: string) {
    return this.db.user.findUnique({
      where: { email },
      select: { ...accountFields, passwordHash: true, disabledAt: true },
    });
  }

  findPasswordHash(id: string) {
    return this.db.user.findUnique({ where: { id }, select: { passwordHash: true } });
  }

  /** A new account, with the author role every account starts with. */
  create(
    tx: Transaction,
    data: { email: string; handle: string; displayName: string; passwordHash: string },
  ): Promise<Account> {
    return tx.user.create({
      data: { ...data, roles: { create: { roleName: builtInRoles.author } } },
      select: accountFields,
    });
  }

  async setPasswordHash(tx: Transaction, id: string, passwordHash: string): Promise<void> {
    await tx.user.update({ where: { id }, data: { passwordHash } });
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }
}

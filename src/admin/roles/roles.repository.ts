import { Injectable } from '@nestjs/common';
import { DatabaseService, type Transaction } from '../../database/database.service.js';
import { allPermissions, builtInRoles } from '../../auth/access/permissions.js';

const roleFields = {
  name: true,
  description: true,
  builtIn: true,
  permissions: { select: { permission: true }, orderBy: { permission: 'asc' } },
} as const;

export interface RoleView {
  name: string;
  description: string;
  permissions: string[];
  builtIn: boolean;
}

type RoleRow = { name: string; description: string; builtIn: boolean; permissions: { permission: string }[] };

function toRoleView(row: RoleRow): RoleView {
  return {
    name: row.name,
    description: row.description,
    permissions:
      row.name === builtInRoles.admin ? allPermissions : row.permissions.map((p) => p.permission),
    builtIn: row.builtIn,
  };
}

/** Roles and grants: platform access control, managed by admins. */
@Injectable()
export class RolesRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('roles: platform access control, behind roles.manage');
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }

  async list(): Promise<RoleView[]> {
    return (await this.db.role.findMany({ select: roleFields, orderBy: { name: 'asc' } })).map(toRoleView);
  }

  async find(name: string, tx: Transaction = this.db): Promise<RoleView | null> {
    const row = await tx.role.findUnique({ where: { name }, select: roleFields });
    return row && toRoleView(row);
  }

  async create(tx: Transaction, role: { name: string; description: string; permissions: string[] }) {
    return toRoleView(
      await tx.role.create({
        data: {
          name: role.name,
          description: role.description,
          permissions: { create: role.permissions.map((permission) => ({ permission })) },
        },
        select: roleFields,
      }),
    );
  }

  /**
   * The permissions change as a difference, added before removed, and the ones kept are never
   * touched: a role manager may hold some of them (even roles.manage) through this very role,
   * and the policies ask, row by row, whether the caller may assign the role and holds each
   * permission added. Deleting them all first took them from the caller mid-transaction.
   */
  async update(tx: Transaction, name: string, change: { description?: string; permissions?: string[] }) {
    // Written (so locked) even when only the permissions change: two edits of one role at once
    // then apply one after the other, never a mix of both sets.
    const written = await tx.$executeRaw`
      UPDATE roles SET description = coalesce(${change.description ?? null}::text, description) WHERE name = ${name}`;
    // Gone meanwhile: Prisma's not-found error, as an update of a missing row gives.
    if (!written) await tx.role.findUniqueOrThrow({ where: { name } });
    if (change.permissions) {
      await tx.rolePermission.createMany({
        data: change.permissions.map((permission) => ({ roleName: name, permission })),
        skipDuplicates: true,
      });
      await tx.rolePermission.deleteMany({ where: { roleName: name, permission: { notIn: change.permissions } } });
    }
    return (await this.find(name, tx))!;
  }

  async delete(tx: Transaction, name: string): Promise<void> {
    await tx.role.delete({ where: { name } });
  }

  /** True when the grant is new. */
  async grant(tx: Transaction, userId: string, roleName: string): Promise<boolean> {
    const inserted = await tx.$executeRaw`
      INSERT INTO user_roles (user_id, role_name) VALUES (${userId}::uuid, ${roleName})
      ON CONFLICT DO NOTHING`;
    return inserted > 0;
  }

  /** True when there was a grant to remove. */
  async revoke(tx: Transaction, userId: string, roleName: string): Promise<boolean> {
    const { count } = await tx.userRole.deleteMany({ where: { userId, roleName } });
    return count > 0;
  }

  async userExists(userId: string, tx: Transaction = this.db): Promise<boolean> {
    return (await tx.user.count({ where: { id: userId } })) > 0;
  }
}

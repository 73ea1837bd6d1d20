import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../audit/audit-log.js';
import type { Origin } from '../../audit/origin.js';
import { builtInRoles } from '../../auth/access/permissions.js';
import { uniqueViolationField } from '../../database/database-errors.js';
import { ConflictProblem, NotFoundProblem } from '../../http/problems.js';
import type { Transaction } from '../../database/database.service.js';
import { asCallerHolding, assertCallerStillHolds } from '../caller-permission.js';
import { assertAnAdminRemains } from '../admin-continuity.js';
import type { CreateRoleDto, UpdateRoleDto } from './role.dto.js';
import { RolesRepository } from './roles.repository.js';

/** Role changes, each in one transaction with its audit entry. */
@Injectable()
export class RolesService {
  constructor(
    private readonly roles: RolesRepository,
    private readonly audit: AuditLog,
  ) {}

  /**
   * A signed-in caller must still hold roles.manage when its change runs (see
   * caller-permission.ts). The command line (byline_operator) is not a user: not asked.
   */
  private async assertStillMay(tx: Transaction, origin: Origin): Promise<void> {
    if (origin.actor.type === 'user') await assertCallerStillHolds(tx, 'roles.manage');
  }

  /** The change's transaction; a signed-in caller's, refused as 403 once roles.manage is gone. */
  private transaction<T>(origin: Origin, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const transaction = <R>(inner: (tx: Transaction) => Promise<R>) => this.roles.transaction(inner);
    return origin.actor.type === 'user' ? asCallerHolding(transaction, 'roles.manage', work) : transaction(work);
  }

  list() {
    return this.roles.list();
  }

  find(name: string) {
    return this.roles.find(name);
  }

  async create(input: CreateRoleDto, origin: Origin) {
    const permissions = [...new Set(input.permissions)];
    try {
      return await this.transaction(origin, async (tx) => {
        await this.assertStillMay(tx, origin);
        const role = await this.roles.create(tx, {
          name: input.name,
          description: input.description ?? '',
          permissions,
        });
        await this.audit.record(
          origin,
          { action: 'role.created', target: { type: 'role', id: role.name }, details: { after: role } },
          tx,
        );
        return role;
      });
    } catch (error) {
      if (uniqueViolationField(error, ['name'])) throw new ConflictProblem('A role with that name exists.');
      throw error;
    }
  }

  async update(name: string, input: UpdateRoleDto, origin: Origin) {
    if (name === builtInRoles.admin) throw new ConflictProblem('The admin role cannot be edited.');
    return this.transaction(origin, async (tx) => {
      await this.assertStillMay(tx, origin);
      const before = await this.roles.find(name, tx);
      if (!before) throw new NotFoundProblem('role');
      const after = await this.roles.update(tx, name, {
        description: input.description,
        permissions: input.permissions && [...new Set(input.permissions)],
      });
      await this.audit.record(
        origin,
        { action: 'role.updated', target: { type: 'role', id: name }, details: { before, after } },
        tx,
      );
      return after;
    });
  }

  async delete(name: string, origin: Origin) {
    await this.transaction(origin, async (tx) => {
      await this.assertStillMay(tx, origin);
      const before = await this.roles.find(name, tx);
      if (!before) throw new NotFoundProblem('role');
      if (before.builtIn) throw new ConflictProblem('Built-in roles cannot be deleted.');
      await this.roles.delete(tx, name);
      await this.audit.record(
        origin,
        { action: 'role.deleted', target: { type: 'role', id: name }, details: { before } },
        tx,
      );
    });
  }

  /** Granting a role the user has is fine and records nothing. */
  async grant(userId: string, roleName: string, origin: Origin) {
    await this.transaction(origin, async (tx) => {
      await this.assertStillMay(tx, origin);
      if (!(await this.roles.userExists(userId, tx))) throw new NotFoundProblem('user');
      if (!(await this.roles.find(roleName, tx))) throw new NotFoundProblem('role');
      if (await this.roles.grant(tx, userId, roleName)) {
        await this.audit.record(
          origin,
          { action: 'role.granted', target: { type: 'user', id: userId }, details: { role: roleName } },
          tx,
        );
      }
    });
  }

  /** Revoking the last enabled admin's admin role is refused (409). */
  async revoke(userId: string, roleName: string, origin: Origin) {
    await this.transaction(origin, async (tx) => {
      await this.assertStillMay(tx, origin);
      if (!(await this.roles.userExists(userId, tx))) throw new NotFoundProblem('user');
      if (!(await this.roles.find(roleName, tx))) throw new NotFoundProblem('role');
      if (roleName === builtInRoles.admin) {
        await assertAnAdminRemains(tx, { userId });
        // A concurrent revocation of the caller's own admin may have won the lock.
        await this.assertStillMay(tx, origin);
      }
      if (await this.roles.revoke(tx, userId, roleName)) {
        await this.audit.record(
          origin,
          { action: 'role.revoked', target: { type: 'user', id: userId }, details: { role: roleName } },
          tx,
        );
      }
    });
  }
}

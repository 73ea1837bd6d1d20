import type { Transaction } from '../database/database.service.js';
import { ConflictProblem } from '../http/problems.js';
import { builtInRoles } from '../auth/access/permissions.js';

/**
 * Refuses a change that would leave no enabled admin. Every such change takes the same
 * transaction-scoped advisory lock first, so two admins revoking each other at the same
 * moment run one after the other, and the second sees the first's result.
 */
export async function assertAnAdminRemains(tx: Transaction, losing: { userId: string }): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('byline:admin-continuity'))`;
  const [{ others }] = await tx.$queryRaw<{ others: number }[]>`
    SELECT count(*)::int AS others
    FROM user_roles ur JOIN users u ON u.id = ur.user_id
    WHERE ur.role_name = ${builtInRoles.admin} AND u.disabled_at IS NULL
      AND ur.user_id <> ${losing.userId}::uuid`;
  if (others === 0) throw new ConflictProblem('That would leave Byline without an admin.');
}

import type { Transaction } from '../database/database.service.js';
import type { Permission } from '../auth/access/permissions.js';
import { ForbiddenProblem } from '../http/problems.js';

/**
 * Refuses (403) unless the signed-in caller, the tenant of `tx`, holds `permission` now, as
 * the database judges it (app_has_permission, the function its row-level security policies
 * use). The guard judged the session's permissions when the request began; a concurrent
 * revocation or disable may have applied since, and the policies would then hide the rows
 * (a misleading 404) or refuse the write (a 500).
 */
export async function assertCallerStillHolds(tx: Transaction, permission: Permission): Promise<void> {
  const [{ holds }] = await tx.$queryRaw<Array<{ holds: boolean }>>`
    SELECT app_has_permission(${permission}) AS holds`;
  if (!holds) throw new ForbiddenProblem(`This needs the ${permission} permission.`);
}

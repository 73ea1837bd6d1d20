import type { Transaction } from '../database/database.service.js';
import { isDatabaseUnavailable } from '../database/database-errors.js';
import type { Permission } from '../auth/access/permissions.js';
import { ForbiddenProblem, NotFoundProblem, ProblemError } from '../http/problems.js';

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

/**
 * Runs an administration route's transaction (`work`, in `transaction`), which begins with
 * assertCallerStillHolds. Each later statement is judged by the policies again, on a fresh
 * snapshot (READ COMMITTED): a revocation or disable of the caller that commits after that
 * check makes a policy hide the row the route looks for (a 404 for what is a 403), refuse
 * the write (42501), or hide the row it updates (Prisma's P2025), or sessions_end_for_user
 * refuse (42501), a 500 for what is a 403. When `work` fails with a 404 or with anything
 * but a problem or an unavailable database, the permission is asked again in a transaction
 * of its own: gone, the answer is 403; still held, the error stands.
 */
export async function asCallerHolding<T>(
  transaction: <R>(work: (tx: Transaction) => Promise<R>) => Promise<R>,
  permission: Permission,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  try {
    return await transaction(work);
  } catch (error) {
    if ((error instanceof ProblemError && !(error instanceof NotFoundProblem)) || isDatabaseUnavailable(error)) throw error;
    await transaction((tx) => assertCallerStillHolds(tx, permission));
    throw error;
  }
}

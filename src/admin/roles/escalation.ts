// Kubernetes' rule against privilege escalation, as a pure function: a caller may create,
// edit or grant a role only if it already holds every permission in it, and only an admin
// may do anything that involves the admin role.
import { builtInRoles } from '../../auth/access/permissions.js';

export interface Caller {
  roles: readonly string[];
  permissions: readonly string[];
}

/** Why `caller` may not act on a role with this name and these permissions, or null. */
export function escalationRefusal(
  caller: Caller,
  role: { name: string; permissions: readonly string[] },
): string | null {
  if (role.name === builtInRoles.admin && !caller.roles.includes(builtInRoles.admin)) {
    return 'Only an admin may change or grant the admin role.';
  }
  const missing = role.permissions.filter((permission) => !caller.permissions.includes(permission));
  if (missing.length) return `You do not hold every permission in that role (missing: ${missing.join(', ')}).`;
  return null;
}

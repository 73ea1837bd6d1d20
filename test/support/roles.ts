import { inject } from 'vitest';
import { query } from './databases.js';

/** Test setup only: grants a role straight in the database (the API path is tested apart). */
export async function grantDirectly(userId: string, role: string): Promise<void> {
  await query(inject('databaseUrl'), 'INSERT INTO user_roles (user_id, role_name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    userId,
    role,
  ]);
}

/** Test setup only: removes every admin but `keep`, so last-admin rules can be exercised. */
export async function onlyAdmins(keep: string[]): Promise<void> {
  await query(inject('databaseUrl'), `DELETE FROM user_roles WHERE role_name = 'admin' AND NOT (user_id = ANY($1::uuid[]))`, [
    keep,
  ]);
}

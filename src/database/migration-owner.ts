// The migrations hand the public view and the SECURITY DEFINER functions to NOLOGIN roles
// (ALTER ... OWNER TO). A superuser may. An owner that is none (a managed PostgreSQL's admin
// user: CREATEROLE, owner of the database) may only when it can SET ROLE to the new owner
// and that role has CREATE on the schema; and from PostgreSQL 16 on, creating a role gives
// its creator ADMIN OPTION on it but not SET. So before the migrations run, such an owner
// creates those roles when missing, grants itself membership and grants them CREATE on
// `public`. What it may not do, it reports with the statement a superuser must run.
import pg from 'pg';

/** The roles the migrations make owners of a view or of SECURITY DEFINER functions. */
export const objectOwnerRoles = [
  'byline_reader',
  'byline_schedule',
  'byline_publisher',
  'byline_access',
  'byline_sessions',
  'byline_accounts',
] as const;

/** Prepares a migration owner that is no superuser; a superuser needs nothing. */
export async function prepareMigrationOwner(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const [{ owner, superuser, version }] = (
      await client.query<{ owner: string; superuser: boolean; version: number }>(
        `SELECT current_user AS owner, rolsuper AS superuser,
                current_setting('server_version_num')::int AS version
           FROM pg_roles WHERE rolname = current_user`,
      )
    ).rows;
    if (superuser) return;
    // From 16 on, ALTER OWNER asks for SET; before it, membership.
    const privilege = version >= 160000 ? 'SET' : 'MEMBER';
    for (const role of objectOwnerRoles) {
      const need = (await client.query<{ exists: boolean; canSet: boolean; canCreate: boolean }>(
        `SELECT r.rolname IS NOT NULL AS exists,
                r.rolname IS NOT NULL AND pg_has_role(current_user, r.oid, '${privilege}') AS "canSet",
                r.rolname IS NOT NULL AND has_schema_privilege(r.oid, 'public', 'CREATE') AS "canCreate"
           FROM (SELECT 1) one LEFT JOIN pg_roles r ON r.rolname = $1`,
        [role],
      )).rows[0];
      const ident = client.escapeIdentifier(role);
      if (!need.exists) {
        await run(client, `CREATE ROLE ${ident} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`, owner);
      }
      if (!need.canSet) await run(client, `GRANT ${ident} TO ${client.escapeIdentifier(owner)}`, owner);
      if (!need.canCreate) await run(client, `GRANT CREATE ON SCHEMA public TO ${ident}`, owner);
    }
  } finally {
    await client.end();
  }
}

async function run(client: pg.Client, statement: string, owner: string): Promise<void> {
  try {
    await client.query(statement);
  } catch (error) {
    throw new Error(
      `The migration owner ${owner} is no superuser and may not run "${statement}" ` +
        `(${(error as Error).message}). Run it once as a superuser, or give ${owner} CREATEROLE ` +
        `and the ownership of the database; then migrate again.`,
      { cause: error },
    );
  }
}

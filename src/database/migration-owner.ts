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
  'byline_throttle',
] as const;

/**
 * The roles the migrations (and ensureApplicationLogin) grant to other roles, e.g. GRANT
 * byline_public TO byline_app: from PostgreSQL 16 on, only with ADMIN OPTION on them.
 */
export const grantedRoles = ['byline_app', 'byline_public', 'byline_worker', 'byline_operator'] as const;

/** Prepares a migration owner that is no superuser; a superuser needs nothing. */
export async function prepareMigrationOwner(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const [{ owner, superuser, createrole, version }] = (
      await client.query<{ owner: string; superuser: boolean; createrole: boolean; version: number }>(
        `SELECT current_user AS owner, rolsuper AS superuser, rolcreaterole AS createrole,
                current_setting('server_version_num')::int AS version
           FROM pg_roles WHERE rolname = current_user`,
      )
    ).rows;
    if (superuser) return;
    // Two deploys migrating at once: one prepares, the other then finds it done.
    await client.query(`SELECT pg_advisory_lock(hashtext('byline:migration-owner'))`);
    // From 16 on, ALTER OWNER asks for SET; before it, membership.
    const privilege = version >= 160000 ? 'SET' : 'MEMBER';
    if (version >= 160000) await assertAdminOfExistingRoles(client, owner, createrole, privilege);
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
        // Roles are the cluster's: another database's migration may create it meanwhile.
        await run(client, `CREATE ROLE ${ident} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`, owner, [
          '42710',
          '23505',
        ]);
      }
      if (!need.canSet) await run(client, `GRANT ${ident} TO ${client.escapeIdentifier(owner)}`, owner);
      if (!need.canCreate) await run(client, `GRANT CREATE ON SCHEMA public TO ${ident}`, owner);
    }
  } finally {
    await client.end();
  }
}

/**
 * Roles are the cluster's: another owner (another database's admin user) may have created
 * them, and then it alone holds ADMIN OPTION on them. This owner could then neither make
 * itself a member nor run the migrations' own grants (a migration would fail midway, on
 * GRANT byline_public TO byline_app, and stay recorded as failed: every later deploy then
 * refuses until it is resolved by hand). Refused before any migration runs, with every
 * statement a superuser must run once.
 */
async function assertAdminOfExistingRoles(
  client: pg.Client,
  owner: string,
  createrole: boolean,
  privilege: string,
): Promise<void> {
  const { rows } = await client.query<{ role: string }>(
    `SELECT r.rolname AS role FROM pg_roles r
      WHERE (r.rolname = ANY($1::text[])
             OR (r.rolname = ANY($2::text[]) AND NOT pg_has_role(current_user, r.oid, '${privilege}')))
        AND NOT pg_has_role(current_user, r.oid, 'MEMBER WITH ADMIN OPTION')
      ORDER BY r.rolname`,
    [[...grantedRoles], [...objectOwnerRoles]],
  );
  if (!rows.length) return;
  const grants = rows.map(
    ({ role }) => `  GRANT ${client.escapeIdentifier(role)} TO ${client.escapeIdentifier(owner)} WITH ADMIN OPTION;`,
  );
  // The migrations create their roles when missing (CREATE ROLE asks for CREATEROLE first).
  if (!createrole) grants.push(`  ALTER ROLE ${client.escapeIdentifier(owner)} CREATEROLE;`);
  throw new Error(
    `The migration owner ${owner} is no superuser, and roles the migrations grant or hand objects to ` +
      `were made by another owner of this cluster. Run once as a superuser, then migrate again:\n${grants.join('\n')}`,
  );
}

async function run(client: pg.Client, statement: string, owner: string, tolerated: string[] = []): Promise<void> {
  try {
    await client.query(statement);
  } catch (error) {
    if (tolerated.includes((error as { code?: string }).code ?? '')) return;
    throw new Error(
      `The migration owner ${owner} is no superuser and may not run "${statement}" ` +
        `(${(error as Error).message}). Run it once as a superuser, or give ${owner} CREATEROLE ` +
        `and the ownership of the database; then migrate again.`,
      { cause: error },
    );
  }
}

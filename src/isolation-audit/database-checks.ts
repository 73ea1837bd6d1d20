// Catalog facts behind the second wall, checked on a live database: row-level security on
// every user_id table and every platform table, policies for every granted command on the
// tenant of the transaction (or a permission that tenant holds), no password hash for the
// application, SECURITY DEFINER functions owned by narrow roles the application is not, an
// application role that can neither bypass nor rewrite them, composite foreign keys between
// tenant rows, a public view that shows only allowed columns, and a raw-SQL probe as the
// application. Reusable: the isolation audit reports them; tests assert them.
import pg from 'pg';

export interface DatabaseCheck {
  check: string;
  ok: boolean;
  /** A `warn` is reported but does not fail the audit (a weaker, not a broken, setup). */
  severity: 'fail' | 'warn';
  detail: string;
}

/**
 * Platform tables: accounts, sessions, roles and the audit log. Like tenant tables, the
 * application sees its own rows, and others' only through app_has_permission (a permission
 * the tenant of the transaction holds), never all rows unconditionally (see the migration
 * 20261123090000_platform_row_level_security).
 */
export const platformTables = ['users', 'session', 'user_roles', 'roles', 'role_permissions', 'audit_events'];

/** Permissions that open other users' platform rows; the raw probe's tenants hold none. */
export const crossUserPermissions = ['users.read', 'users.manage', 'roles.manage', 'audit.read'];

/** The columns the public view may expose: never an email, a user id or a draft's field. */
export const publicViewColumns = [
  'body',
  'display_name',
  'editorial_date',
  'handle',
  'id',
  'published_at',
  'slug',
  'tags',
  'title',
];

const commands = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
const tenantExpression = /current_setting\('app\.user_id'/;
// The permission checks are themselves bound to the tenant of the transaction (they take no
// user): a permission, whether it may assign a role (app_may_assign), whether it is admin.
const permissionExpression = /app_has_permission\('[a-z.]+'::text\)|app_may_assign\(\w+\)|app_is_admin\(\)/;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** `appUrl`: the application's DATABASE_URL; `ownerUrl`: the migration owner's. */
export async function databaseChecks(appUrl: string, ownerUrl: string): Promise<DatabaseCheck[]> {
  const app = await connect(appUrl);
  const owner = await connect(ownerUrl);
  try {
    return [
      ...(await applicationRole(app)),
      ...(await rowLevelSecurity(owner, app)),
      ...(await secrets(app)),
      ...(await definerFunctions(owner, app)),
      ...(await compositeForeignKeys(owner)),
      ...(await publicView(owner)),
      ...(await rawProbe(owner, app)),
    ];
  } finally {
    await app.end();
    await owner.end();
  }
}

async function userIdTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ table: string }>(`
    SELECT c.relname AS "table" FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
    WHERE c.relnamespace = current_schema()::regnamespace AND a.attname = 'user_id' AND NOT a.attisdropped
    ORDER BY 1`);
  return rows.map((row) => row.table);
}

async function applicationRole(app: pg.Client): Promise<DatabaseCheck[]> {
  const { rows } = await app.query(`
    SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
           (SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v')
              AND pg_has_role(current_user, c.relowner, 'MEMBER')) AS owned
    FROM pg_roles r WHERE r.rolname = current_user`);
  const role = rows[0];
  const checks: DatabaseCheck[] = [
    {
      check: 'application role: no superuser, no BYPASSRLS',
      ok: !role.superuser && !role.bypass,
      severity: 'fail',
      detail: `${role.role}: superuser=${role.superuser}, bypassrls=${role.bypass}`,
    },
  ];
  checks.push({
    check: 'application role: owns no table (separate from the migration owner)',
    ok: role.owned === 0,
    // One role for migrations and the application: still bound by forced policies, but it
    // could disable them. Weaker, reported, not a failure.
    severity: 'warn',
    detail: role.owned === 0 ? `${role.role} owns nothing` : `${role.role} owns (or is a member of the owner of) ${role.owned} relations: a weaker one-role setup`,
  });
  return checks;
}

async function rowLevelSecurity(owner: pg.Client, app: pg.Client): Promise<DatabaseCheck[]> {
  const tables = [...new Set([...(await userIdTables(owner)), ...platformTables])].sort();
  const [{ role: appRole }] = (await app.query<{ role: string }>('SELECT current_user AS role')).rows;
  const checks: DatabaseCheck[] = [];
  for (const table of tables) {
    const [flags] = (
      await owner.query(`SELECT relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class
                         WHERE oid = to_regclass($1)`, [`"${table}"`])
    ).rows;
    checks.push({
      check: `${table}: row-level security enabled and forced`,
      ok: flags.enabled && flags.forced,
      severity: 'fail',
      detail: `enabled=${flags.enabled}, forced=${flags.forced}`,
    });
    // The policies that bind the application: those of roles it has the privileges of.
    const { rows: policies } = await owner.query<{ name: string; cmd: string; qual: string | null; check: string | null }>(
      `SELECT policyname AS name, cmd, qual, with_check AS check FROM pg_policies
       WHERE schemaname = current_schema() AND tablename = $1 AND permissive = 'PERMISSIVE'
         AND EXISTS (SELECT 1 FROM unnest(roles) r
                     WHERE r = 'public' OR pg_has_role($2, r, 'USAGE'))`,
      [table, appRole],
    );
    // A command the application is not granted needs no policy (a platform table may grant
    // SELECT and DELETE only); one it is granted without a policy is a forgotten one.
    const { rows: [granted] } = await owner.query<Record<string, boolean>>(
      `SELECT has_any_column_privilege($1, to_regclass($2), 'SELECT') AS "SELECT",
              has_any_column_privilege($1, to_regclass($2), 'INSERT') AS "INSERT",
              has_any_column_privilege($1, to_regclass($2), 'UPDATE') AS "UPDATE",
              has_table_privilege($1, to_regclass($2), 'DELETE') AS "DELETE"`,
      [appRole, `"${table}"`],
    );
    const needed = commands.filter((command) => granted[command]);
    const covered = needed.filter((command) => policies.some((p) => p.cmd === command || p.cmd === 'ALL'));
    checks.push({
      check: `${table}: a policy for every command`,
      ok: covered.length === needed.length,
      severity: 'fail',
      detail: `granted: ${needed.join(', ') || 'none'}; covered: ${covered.join(', ') || 'none'}`,
    });
    // Every policy the application is under must confine rows to the transaction's tenant
    // (or to a permission that tenant holds), or admit rows only while current_user is
    // another role (the jobs' SET LOCAL ROLE). USING (true) is neither.
    const open = policies.filter((p) =>
      [p.qual, p.check].some((expression) => {
        if (expression === null) return false;
        if (tenantExpression.test(expression)) return false;
        if (permissionExpression.test(expression)) return false;
        const gate = /CURRENT_USER = '(\w+)'::name/.exec(expression);
        return !gate || gate[1] === appRole;
      }),
    );
    checks.push({
      check: `${table}: every policy on the application confines rows to app.user_id`,
      ok: open.length === 0,
      severity: 'fail',
      detail: open.length ? `open: ${open.map((p) => `${p.name} (${p.cmd})`).join(', ')}` : `${policies.length} policies`,
    });
  }
  return checks;
}

/**
 * No password hash for the application, to read or to write (only byline_accounts'
 * functions); and no sign-in counter, whose keys are the emails and addresses that tried
 * (only byline_throttle's functions), for the application nor the worker it may become.
 */
async function secrets(app: pg.Client): Promise<DatabaseCheck[]> {
  const { rows: [hash] } = await app.query<{ read: boolean; write: boolean }>(`
    SELECT has_column_privilege('users', 'password_hash', 'SELECT') AS read,
           has_column_privilege('users', 'password_hash', 'UPDATE') OR has_column_privilege('users', 'password_hash', 'INSERT') AS write`);
  const { rows: throttles } = await app.query<{ role: string; privileges: string[] }>(`
    SELECT role, array_remove(ARRAY[
             CASE WHEN has_any_column_privilege(role, 'login_throttles', 'SELECT') THEN 'select' END,
             CASE WHEN has_any_column_privilege(role, 'login_throttles', 'INSERT') THEN 'insert' END,
             CASE WHEN has_any_column_privilege(role, 'login_throttles', 'UPDATE') THEN 'update' END,
             CASE WHEN has_table_privilege(role, 'login_throttles', 'DELETE') THEN 'delete' END], NULL) AS privileges
    FROM unnest(ARRAY[current_user::text, 'byline_worker']) AS role`);
  const open = throttles.filter((t) => t.privileges.length > 0);
  return [
    {
      check: 'login_throttles: neither the application nor the worker reads or writes it but through its functions',
      ok: open.length === 0,
      severity: 'fail',
      detail: open.length ? open.map((t) => `${t.role}: ${t.privileges.join(', ')}`).join('; ') : 'no direct privilege',
    },
    {
      check: 'users.password_hash: the application can neither read nor write it',
      ok: !hash.read && !hash.write,
      severity: 'fail',
      detail: `select=${hash.read}, insert/update=${hash.write}`,
    },
  ];
}

/**
 * The narrow paths across users are SECURITY DEFINER functions. Each must belong to a role
 * that row-level security binds (no superuser, no BYPASSRLS, so its own policies say what it
 * reaches) and that the application is not a member of (else it could act as that role
 * directly); the operator's role, too, is the owner's alone. Each pins its search_path with
 * pg_temp last, so no temporary table of the caller stands in for one of its tables.
 */
async function definerFunctions(owner: pg.Client, app: pg.Client): Promise<DatabaseCheck[]> {
  const [{ role: appRole }] = (await app.query<{ role: string }>('SELECT current_user AS role')).rows;
  const { rows: functions } = await owner.query<{
    name: string;
    owner: string;
    bypasses: boolean;
    member: boolean;
    searchPath: string | null;
  }>(
    `SELECT p.proname AS name, r.rolname AS owner, r.rolsuper OR r.rolbypassrls AS bypasses,
            pg_has_role($1, p.proowner, 'MEMBER') AS member,
            (SELECT c FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=%') AS "searchPath"
     FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
     WHERE p.pronamespace = current_schema()::regnamespace AND p.prosecdef
     ORDER BY 1`,
    [appRole],
  );
  const bad = functions.filter((f) => f.bypasses || f.member);
  const { rows: [operator] } = await owner.query<{ member: boolean }>(
    `SELECT coalesce(to_regrole('byline_operator') IS NOT NULL AND pg_has_role($1, 'byline_operator', 'MEMBER'), false) AS member`,
    [appRole],
  );
  const permission = functions.some((f) => f.name === 'app_has_permission');
  // Without pg_temp named last, the caller's temporary tables come first (they shadow public).
  const unpinned = functions.filter((f) => !/^search_path=.*\bpg_temp"?$/.test(f.searchPath ?? ''));
  return [
    {
      check: 'SECURITY DEFINER functions: owned by narrow roles the application is not a member of',
      ok: permission && bad.length === 0 && !operator.member,
      severity: 'fail',
      detail: [
        permission ? `${functions.length} functions` : 'app_has_permission is missing',
        ...bad.map((f) => `${f.name} (owner ${f.owner}: ${f.bypasses ? 'bypasses RLS' : `${appRole} is a member`})`),
        ...(operator.member ? [`${appRole} is a member of byline_operator`] : []),
      ].join('; '),
    },
    {
      check: 'SECURITY DEFINER functions: search_path pinned, pg_temp last',
      ok: unpinned.length === 0,
      severity: 'fail',
      detail: unpinned.length
        ? unpinned.map((f) => `${f.name} (${f.searchPath ?? 'no search_path'})`).join('; ')
        : `${functions.length} functions`,
    },
  ];
}

async function compositeForeignKeys(owner: pg.Client): Promise<DatabaseCheck[]> {
  const tables = await userIdTables(owner);
  const { rows } = await owner.query<{ name: string; from: string; to: string; carries: boolean }>(
    `SELECT con.conname AS name, src.relname AS "from", dst.relname AS "to",
            EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(s, d)
                    JOIN pg_attribute sa ON sa.attrelid = con.conrelid AND sa.attnum = k.s
                    JOIN pg_attribute da ON da.attrelid = con.confrelid AND da.attnum = k.d
                    WHERE sa.attname = 'user_id' AND da.attname = 'user_id') AS carries
     FROM pg_constraint con
     JOIN pg_class src ON src.oid = con.conrelid
     JOIN pg_class dst ON dst.oid = con.confrelid
     WHERE con.contype = 'f' AND src.relname = ANY($1) AND dst.relname = ANY($1)
     ORDER BY 1`,
    [tables],
  );
  return rows.map((fk) => ({
    check: `${fk.name}: ${fk.from} → ${fk.to} carries user_id`,
    ok: fk.carries,
    severity: 'fail' as const,
    detail: fk.carries ? 'composite (user_id, id)' : 'a reference between tenant rows without user_id',
  }));
}

async function publicView(owner: pg.Client): Promise<DatabaseCheck[]> {
  const { rows: columns } = await owner.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass('public_posts') AND attnum > 0 AND NOT attisdropped ORDER BY 1`,
  );
  const names = columns.map((c) => c.name);
  const extra = names.filter((n) => !publicViewColumns.includes(n));
  const [view] = (
    await owner.query(`
      SELECT r.rolname AS owner, r.rolsuper OR r.rolbypassrls AS owner_bypasses
      FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE c.oid = to_regclass('public_posts')`)
  ).rows;
  const { rows: reachable } = await owner.query<{ what: string }>(`
    SELECT c.relname AS what FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
      AND (has_table_privilege('byline_public', c.oid, 'SELECT')
           OR has_any_column_privilege('byline_public', c.oid, 'SELECT'))
    UNION ALL
    SELECT 'users.email' WHERE has_column_privilege('byline_public', 'users', 'email', 'SELECT')
    UNION ALL
    SELECT 'users.email (view owner)' FROM pg_class v
    WHERE v.oid = to_regclass('public_posts') AND has_column_privilege(v.relowner, 'users'::regclass, 'email', 'SELECT')`);
  return [
    {
      check: 'public view: columns equal the allow-list',
      ok: names.length > 0 && extra.length === 0 && names.length === publicViewColumns.length,
      severity: 'fail',
      detail: names.length ? `columns: ${names.join(', ')}${extra.length ? `; not allowed: ${extra.join(', ')}` : ''}` : 'public_posts is missing',
    },
    {
      check: 'public view: owned by a role bound by row-level security',
      ok: view?.owner_bypasses === false,
      severity: 'fail',
      detail: view ? `owner ${view.owner}, bypasses RLS=${view.owner_bypasses}` : 'missing',
    },
    ...(view ? [await viewOwnerSeesOnlyPublished(owner, view.owner)] : []),
    {
      check: 'public role: no base table, no users.email',
      ok: reachable.length === 0,
      severity: 'fail',
      detail: reachable.length ? `reachable: ${reachable.map((r) => r.what).join(', ')}` : 'only the view and its function',
    },
  ];
}

/**
 * The view is not a security barrier (so that it is flattened and reads the indexes): its
 * filter must be its owner's row-level security, which PostgreSQL applies before any
 * condition a query adds. So, as the owner, hand-written SQL finds no post that is not
 * live, and the check says whether there were any to find.
 */
async function viewOwnerSeesOnlyPublished(owner: pg.Client, viewOwner: string): Promise<DatabaseCheck> {
  const check = 'public view: its owner’s policies admit only posts already published, of enabled accounts';
  const notLive = 'publish_at IS NULL OR publish_at > now()';
  await owner.query('BEGIN READ ONLY');
  try {
    const { rows: all } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM posts WHERE ${notLive}`);
    await owner.query(`SET LOCAL ROLE ${pg.escapeIdentifier(viewOwner)}`);
    const { rows: seen } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM posts WHERE ${notLive}`);
    const { rows: disabled } = await owner.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM users WHERE disabled_at IS NOT NULL',
    );
    return {
      check,
      ok: seen[0].n === 0 && disabled[0].n === 0,
      severity: 'fail',
      detail: `${viewOwner} sees ${seen[0].n} of ${all[0].n} drafts and scheduled posts, and ${disabled[0].n} disabled accounts`,
    };
  } catch (error) {
    return { check, ok: false, severity: 'fail', detail: `as ${viewOwner}: ${(error as Error).message}` };
  } finally {
    await owner.query('ROLLBACK');
  }
}

/**
 * As the application, with hand-written SQL: no tenant set shows no row of any tenant or
 * platform table; with each owner's id set (owners who hold no permission that opens others'
 * rows), no other owner's row, no other account and no audit entry.
 */
async function rawProbe(owner: pg.Client, app: pg.Client): Promise<DatabaseCheck[]> {
  const tables = await userIdTables(owner);
  // Whose row a platform table's row is (audit entries are readable only with audit.read).
  const platformRows: Record<string, string> = { users: 'id', audit_events: 'NULL::uuid' };
  const { rows: owners } = await owner.query<{ id: string }>(
    `SELECT u.id FROM users u
     WHERE NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id
                       AND (ur.role_name = 'admin'
                            OR EXISTS (SELECT 1 FROM role_permissions rp
                                       WHERE rp.role_name = ur.role_name AND rp.permission = ANY($1))))
     ORDER BY u.created_at LIMIT 3`,
    [crossUserPermissions],
  );
  const leaks: string[] = [];
  for (const tenant of [null, ...owners.map((o) => o.id)]) {
    await app.query('BEGIN READ ONLY');
    try {
      if (tenant) await app.query(`SELECT set_config('app.user_id', $1, true)`, [tenant]);
      const probes = [
        ...tables.map((table) => [table, 'user_id']),
        ...Object.entries(platformRows),
      ];
      for (const [table, whose] of probes) {
        const { rows } = await app.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${table}" WHERE ${whose} IS DISTINCT FROM $1::uuid`,
          [tenant],
        );
        if (rows[0].n > 0) leaks.push(`${table} with tenant ${tenant ?? 'none'}: ${rows[0].n} foreign rows`);
      }
    } catch (error) {
      leaks.push(`${tenant ?? 'none'}: ${(error as Error).message}`);
    } finally {
      await app.query('ROLLBACK');
    }
  }
  return [
    {
      check: 'raw SQL as the application sees only the tenant it sets',
      ok: leaks.length === 0,
      severity: 'fail',
      detail: leaks.length
        ? leaks.join('; ')
        : `${tables.length + Object.keys(platformRows).length} tables, ${owners.length + 1} tenants (none included)`,
    },
  ];
}

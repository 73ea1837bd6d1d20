// The application's LOGIN role. Migrations (run as the owner) create the NOLOGIN group
// roles and grant them what each path needs; this makes a LOGIN role that is a member of
// byline_app, so the application connects as a role that owns nothing, is no superuser and
// has no BYPASSRLS. Used by the embedded development server, the test setup, the audit,
// the bench and CI; on your own PostgreSQL, run the equivalent SQL once (README).
import pg from 'pg';

export const applicationGroupRole = 'byline_app';
export const defaultApplicationLogin = 'byline_app_login';

/** `url` with another user and password. */
export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/**
 * Creates (when missing) the LOGIN role `login` as a member of byline_app, on the server of
 * `ownerUrl`, after the migrations ran there; returns the connection string the application
 * uses. Roles are cluster-wide and shared by concurrent test runs, so creating and granting
 * tolerate a concurrent twin.
 */
export async function ensureApplicationLogin(
  ownerUrl: string,
  login = defaultApplicationLogin,
  password = 'byline-app-local',
): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(login)) throw new Error(`Not a plain role name: ${login}`);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const literal = client.escapeLiteral(password);
    await client.query(`
      DO $$
      BEGIN
        BEGIN
          CREATE ROLE ${login} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${literal};
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
          NULL;
        END;
        BEGIN
          GRANT ${applicationGroupRole} TO ${login};
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
          NULL;
        END;
      END
      $$`);
  } finally {
    await client.end();
  }
  return withCredentials(ownerUrl, login, password);
}

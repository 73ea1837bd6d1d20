import type { EmbeddedServer } from '../../src/database/embedded-postgres.js';
import { applyMigrations, migrationNames, withDatabase } from '../../src/database/migrations.js';
import { objectOwnerRoles } from '../../src/database/migration-owner.js';
import { ensureApplicationLogin, withCredentials } from '../../src/database/roles.js';
import { databaseChecks } from '../../src/isolation-audit/database-checks.js';
import { signUp } from '../factories/user.factory.js';
import { ApiClient } from '../support/api-client.js';
import { query } from '../support/databases.js';
import { useEmbeddedCluster } from '../support/embedded-cluster.js';
import { startTestApp } from '../support/test-app.js';

// A managed PostgreSQL's first deploy (RDS, Cloud SQL and the like): the admin user is no
// superuser but has CREATEROLE and owns the database. A fresh cluster of its own (embedded,
// PostgreSQL 18), where no Byline role exists yet and, from 16 on, a role's creator gets
// ADMIN OPTION on it but not SET ROLE, which ALTER ... OWNER TO needs.
describe('migrations run by an owner that is no superuser', () => {
  const cluster = useEmbeddedCluster();
  let server: EmbeddedServer;
  let ownerUrl: string;

  beforeAll(async () => {
    server = cluster.server;
    await query(server.url, `CREATE ROLE byline_owner LOGIN PASSWORD 'owner-pw' CREATEROLE NOSUPERUSER`);
    await query(server.url, `CREATE DATABASE managed OWNER byline_owner`);
    ownerUrl = withCredentials(withDatabase(server.url, 'managed'), 'byline_owner', 'owner-pw');
  });

  it('apply every migration once, two deploys at once, and leave a database every catalog check holds on', async () => {
    const [first, second] = await Promise.all([applyMigrations(ownerUrl), applyMigrations(ownerUrl)]);
    expect([...first, ...second].sort()).toEqual((await migrationNames()).sort());
    expect(await applyMigrations(ownerUrl)).toEqual([]);

    const [owner] = await query<{ rolsuper: boolean; rolcreaterole: boolean }>(
      ownerUrl,
      `SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user`,
    );
    expect(owner).toEqual({ rolsuper: false, rolcreaterole: true });
    // The view and the SECURITY DEFINER functions went to their narrow roles, not the owner.
    const owners = await query<{ owner: string }>(
      ownerUrl,
      `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'public_posts'
       UNION SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc WHERE prosecdef AND pronamespace = 'public'::regnamespace`,
    );
    expect(owners.map((o) => o.owner).sort()).toEqual([...objectOwnerRoles].sort());

    const appUrl = await ensureApplicationLogin(ownerUrl);
    expect((await databaseChecks(appUrl, ownerUrl)).filter((check) => !check.ok)).toEqual([]);
  });

  it('serve Byline as the application role: sign-up, writing, public reading', async () => {
    const app = await startTestApp({ DATABASE_URL: await ensureApplicationLogin(ownerUrl) });
    try {
      const { client, user } = await signUp(app.getHttpServer());
      const live = (await client.post('/v1/posts', { title: 'Live', publishAt: new Date(Date.now() - 60_000).toISOString() }).expect(201)).body;
      await client.post('/v1/posts', { title: 'Draft' }).expect(201);
      const list = await new ApiClient(app.getHttpServer()).get(`/v1/public/authors/${user.handle}/posts`).expect(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([live.id]);
    } finally {
      await app.close();
    }
  });

  it('refuse an owner that may not create or join the roles, and say what to grant', async () => {
    // The roles exist now, created by byline_owner: another owner without CREATEROLE has no
    // ADMIN OPTION on them and cannot make itself a member.
    await query(server.url, `CREATE ROLE weak_owner LOGIN PASSWORD 'weak-pw' NOSUPERUSER NOCREATEROLE`);
    await query(server.url, `CREATE DATABASE weak OWNER weak_owner`);
    const weakUrl = withCredentials(withDatabase(server.url, 'weak'), 'weak_owner', 'weak-pw');
    await expect(applyMigrations(weakUrl)).rejects.toThrow(
      // Every grant at once (the migrations' own grants, GRANT byline_public TO byline_app,
      // need ADMIN OPTION too), before any migration runs.
      /^The migration owner weak_owner is no superuser.*Run once as a superuser.*GRANT "byline_reader" TO "weak_owner" WITH ADMIN OPTION;.*ALTER ROLE "weak_owner" CREATEROLE;/s,
    );
    const [{ count }] = await query<{ count: string }>(
      weakUrl,
      `SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace`,
    );
    expect(Number(count)).toBe(0);
  });
});

import pg from 'pg';
import { applyMigrations } from '../../src/database/migrations.js';
import { useEmbeddedCluster } from '../support/embedded-cluster.js';

// Roles are the cluster's. When another admin user (CREATEROLE, no superuser) migrated a
// database of the same cluster first, it created the roles and alone holds ADMIN OPTION on
// them (PostgreSQL 16 on). The second owner could not make itself a member (the preparation
// said so, one statement at a time) and, once a superuser had run those, a migration failed
// midway on GRANT byline_public TO byline_app and stayed recorded as failed (later deploys
// refuse until it is resolved by hand). Now the preparation asks for everything at once,
// before any migration runs.
describe('a CREATEROLE owner finding the roles made by another owner of the cluster', () => {
  const cluster = useEmbeddedCluster();
  const url = (user: string, db: string) =>
    cluster.server.url.replace(/\/\/postgres:[^@]+@/, `//${user}:pw@`).replace(/\/byline$/, `/${db}`);

  it('fails before migrating, listing every statement a superuser must run; then migrates', async () => {
    const admin = new pg.Client({ connectionString: cluster.server.url.replace(/\/byline$/, '/postgres') });
    await admin.connect();
    try {
      for (const user of ['alpha', 'beta']) {
        await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD 'pw' CREATEROLE`);
        await admin.query(`CREATE DATABASE ${user}_db OWNER ${user}`);
      }
      await applyMigrations(url('alpha', 'alpha_db'));

      const failure = await applyMigrations(url('beta', 'beta_db')).then(
        () => null,
        (error: unknown) => error as Error,
      );
      expect(failure).not.toBeNull();
      expect(failure!.message).toMatch(/^The migration owner beta is no superuser/);
      const statements = failure!.message.split('\n').filter((line) => /^\s*GRANT /.test(line));
      expect(statements.join('\n')).toMatch(/GRANT "?byline_public"? TO "?beta"? WITH ADMIN OPTION/);
      // Nothing half-applied.
      const beta = new pg.Client({ connectionString: url('beta', 'beta_db') });
      await beta.connect();
      const { rows } = await beta.query(`SELECT to_regclass('public._prisma_migrations') AS t`);
      await beta.end();
      expect(rows[0].t).toBeNull();

      for (const statement of statements) await admin.query(statement);
      await applyMigrations(url('beta', 'beta_db'));
    } finally {
      await admin.end();
    }
  }, 300_000);
});

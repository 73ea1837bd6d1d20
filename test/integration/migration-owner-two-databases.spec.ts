import pg from 'pg';
import { applyMigrations } from '../../src/database/migrations.js';
import { useEmbeddedCluster } from '../support/embedded-cluster.js';

// Roles belong to the cluster, not to a database; an advisory lock belongs to its database.
// One managed server often holds several databases (staging and production, or one per
// preview) that one admin user (CREATEROLE, no superuser) migrates, sometimes at once.
describe('one non-superuser owner migrating two databases of one cluster at once', () => {
  const cluster = useEmbeddedCluster();

  it('both succeed, from a cluster where none of the roles exist yet (several rounds)', async () => {
    const admin = new pg.Client({ connectionString: cluster.server.url.replace(/\/byline$/, '/postgres') });
    await admin.connect();
    const url = (db: string) =>
      cluster.server.url.replace(/\/\/postgres:[^@]+@/, '//deployer:deployer@').replace(/\/byline$/, `/${db}`);
    try {
      await admin.query(`CREATE ROLE deployer LOGIN PASSWORD 'deployer' CREATEROLE`);
      for (let round = 0; round < 4; round++) {
        const dbs = [`first_${round}`, `second_${round}`];
        for (const db of dbs) await admin.query(`CREATE DATABASE ${db} OWNER deployer`);
        const results = await Promise.allSettled(dbs.map((db) => applyMigrations(url(db))));
        const errors = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
        expect(errors).toEqual([]);
        for (const db of dbs) {
          const check = new pg.Client({ connectionString: url(db) });
          await check.connect();
          const { rows } = await check.query(`SELECT to_regclass('public.login_throttles') IS NOT NULL AS migrated`);
          await check.end();
          expect(rows[0].migrated).toBe(true);
        }
        // Next round from a cluster without the roles again.
        for (const db of dbs) await admin.query(`DROP DATABASE ${db}`);
        const { rows } = await admin.query<{ rolname: string }>(
          `SELECT rolname FROM pg_roles WHERE rolname LIKE 'byline\\_%'`,
        );
        expect(rows.length).toBeGreaterThan(5);
        for (const { rolname } of rows) await admin.query(`DROP ROLE ${rolname}`);
      }
    } finally {
      await admin.end();
    }
  }, 600_000);
});

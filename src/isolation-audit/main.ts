// npm run audit:isolation — proves, route by route, that no tenant can see or touch
// another's data. It seeds and writes, so it runs on a fresh database that it creates on
// DATABASE_URL's server (or on a temporary embedded server) and drops afterwards. Never
// point it at production data. Exit code 0 only when every route and check held.
import path from 'node:path';
import pg from 'pg';
import { serverOrTemporary } from '../database/embedded-postgres.js';
import { applyMigrations, withDatabase } from '../database/migrations.js';
import { ensureApplicationLogin } from '../database/roles.js';
import { summary, writeReports } from './report.js';
import { runIsolationAudit } from './run-audit.js';

const database = await serverOrTemporary(process.env.DATABASE_URL);
const server = database.url;
const name = `byline_isolation_audit_${process.pid}_${Date.now()}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
let held = false;
try {
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabase(server, name);
  await applyMigrations(url);
  // Byline runs as its own role, as in production; the owner seeds and snapshots.
  const report = await runIsolationAudit(await ensureApplicationLogin(url), { inspectUrl: url });
  await writeReports(report, path.resolve('reports'));
  console.log(summary(report));
  console.log('Reports: reports/isolation-audit.json, reports/isolation-audit.md');
  held = report.held;
} finally {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
  await admin.end();
  await database.stop();
}
process.exit(held ? 0 : 1);

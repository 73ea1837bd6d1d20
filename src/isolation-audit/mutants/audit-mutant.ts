// One mutant's audit, in its own process on a patched copy of the build (see
// run-mutants.ts): a fresh database copied from the migrated template, the mutant's SQL if
// any, then the audit. Writes the report to the path given and exits 0 whatever it found.
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { withDatabase } from '../../database/migrations.js';
import { ensureApplicationLogin } from '../../database/roles.js';
import { runIsolationAudit } from '../run-audit.js';

const [serverUrl, template, reportPath, sql = ''] = process.argv.slice(2);
const name = `byline_mutant_${process.pid}_${Date.now()}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
try {
  // Copying a template fails while another copy of it is being made: retry a little.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      break;
    } catch (error) {
      if (attempt > 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1000));
    }
  }
  const url = withDatabase(serverUrl, name);
  if (sql) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  }
  // As npm run audit:isolation: Byline as its own role under row-level security, the owner
  // seeding and snapshotting (a superuser application would fail the database checks).
  const report = await runIsolationAudit(await ensureApplicationLogin(url), { inspectUrl: url });
  await writeFile(reportPath, JSON.stringify(report));
} finally {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
  await admin.end();
}
process.exit(0);

// One mutant's audit, in its own process on a patched copy of the build (see
// run-mutants.ts): a fresh database on the given server, the migrations, the mutant's SQL if
// any, then the audit. Writes the report to the path given and exits 0 whatever it found.
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { applyMigrations, withDatabase } from '../../database/migrations.js';
import { runIsolationAudit } from '../run-audit.js';

const [serverUrl, reportPath, sql = ''] = process.argv.slice(2);
const name = `byline_mutant_${process.pid}_${Date.now()}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
try {
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  await applyMigrations(url);
  if (sql) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  }
  await writeFile(reportPath, JSON.stringify(await runIsolationAudit(url)));
} finally {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
  await admin.end();
}
process.exit(0);

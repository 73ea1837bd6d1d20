import pg from 'pg';
import { inject } from 'vitest';
import { withDatabase } from '../../src/database/migrations.js';

/** An empty database on the test server, for tests that need their own; drop() removes it. */
export async function createScratchDatabase() {
  const serverUrl = inject('serverUrl');
  const name = `byline_scratch_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  return {
    url: withDatabase(serverUrl, name),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Runs one query against `url` on a short-lived connection. */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

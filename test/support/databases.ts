import pg from 'pg';
import { inject } from 'vitest';
import { applyMigrations, withDatabase } from '../../src/database/migrations.js';
import { ensureApplicationLogin } from '../../src/database/roles.js';

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

/**
 * A migrated database of one's own, as owner (`url`) and as the application (`appUrl`). For
 * tests that count the public cache's hits: every file shares the run's database, and any
 * post another file publishes there notifies every listening instance, which flushes its
 * cache between two requests of a test at random.
 */
export async function createMigratedDatabase() {
  const scratch = await createScratchDatabase();
  await applyMigrations(scratch.url);
  return { ...scratch, appUrl: await ensureApplicationLogin(scratch.url) };
}

/** `createMigratedDatabase` for one test file: created before its tests, dropped after them. */
export function useMigratedDatabase() {
  const database = {} as Awaited<ReturnType<typeof createMigratedDatabase>>;
  beforeAll(async () => {
    Object.assign(database, await createMigratedDatabase());
  });
  afterAll(() => database.drop?.());
  return database;
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

/** A connected client on `url`; the caller ends it. */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Runs `fn` in a transaction with `tenant` (or none) set, then rolls back. */
export async function asTenant<T>(client: pg.Client, tenant: string | null, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    if (tenant) await client.query(`SELECT set_config('app.user_id', $1, true)`, [tenant]);
    return await fn();
  } finally {
    await client.query('ROLLBACK');
  }
}

// A fresh database for the run, with every migration applied; dropped afterwards.
// Uses DATABASE_URL's server when set (CI: the PostgreSQL on 127.0.0.1:5432), else an
// embedded PostgreSQL in a temporary folder.
import type { OpenAPIObject } from '@nestjs/swagger';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { serverOrTemporary } from '../../src/database/embedded-postgres.js';
import { applyMigrations, withDatabase } from '../../src/database/migrations.js';
import { ensureApplicationLogin } from '../../src/database/roles.js';
import { fetchServedDocument } from './served-document.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's database as its owner (superuser here): for seeding and inspecting rows. */
    databaseUrl: string;
    /** The same database as the application's role: not owner, no superuser, no BYPASSRLS. */
    appDatabaseUrl: string;
    serverUrl: string;
    /** What /docs/openapi.json serves; ApiClient checks every response against it. */
    openapiDocument: OpenAPIObject;
  }
}

export default async function setup(project: TestProject) {
  const server = await serverOrTemporary(process.env.DATABASE_URL);
  const serverUrl = server.url;
  const database = `byline_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const databaseUrl = withDatabase(serverUrl, database);
  await applyMigrations(databaseUrl);

  project.provide('databaseUrl', databaseUrl);
  const appDatabaseUrl = await ensureApplicationLogin(databaseUrl);
  project.provide('appDatabaseUrl', appDatabaseUrl);
  project.provide('serverUrl', serverUrl);
  project.provide('openapiDocument', await fetchServedDocument(appDatabaseUrl));

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    await server.stop();
  };
}

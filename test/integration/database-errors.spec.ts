// The classifier against the errors each layer really raises (Prisma model and raw
// queries through the pg adapter, pg itself, the session store), not hand-made objects.
import pg from 'pg';
import { SessionStore } from '../../src/auth/session/session-store.js';
import { loadConfig } from '../../src/config/config.js';
import { databaseUnavailability } from '../../src/database/database-errors.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { applyMigrations } from '../../src/database/migrations.js';
import { toProblem } from '../../src/http/problem-response.js';
import { createScratchDatabase } from '../support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const caught = (work: Promise<unknown>) => work.then(() => undefined, (error: unknown) => error);

function database(url: string, env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, ...env });
  return new DatabaseService({ ...config, databaseUrl: url });
}

function expect503(error: unknown, reason: string) {
  expect(error).toBeDefined();
  expect(databaseUnavailability(error)).toBe(reason);
  const problem = toProblem(error);
  expect(problem.status).toBe(503);
  expect(problem.headers['Retry-After']).toMatch(/^\d+$/);
}

describe('databaseUnavailability on real errors', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const open: DatabaseService[] = [];
  const use = (env: Record<string, string> = {}, url = scratch.url) => {
    const db = database(url, env);
    open.push(db);
    return db;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    await applyMigrations(scratch.url);
  });
  afterAll(async () => {
    await Promise.all(open.map((db) => db.onModuleDestroy().catch(() => {})));
    await scratch.drop();
  });

  it('an unreachable server: model and raw queries (P1001, P2010 DatabaseNotReachable)', async () => {
    const db = use({ DATABASE_POOL_TIMEOUT_MS: '1000' }, 'postgresql://postgres@127.0.0.1:1/byline').unscoped('test');
    expect503(await caught(db.user.count()), 'unreachable');
    expect503(await caught(db.$queryRaw`SELECT 1`), 'unreachable');
    expect503(await caught(db.$executeRaw`SELECT 1`), 'unreachable');
  });

  it('statement_timeout (57014) and lock_timeout (55P03), raw and model', async () => {
    const db = use({ DATABASE_STATEMENT_TIMEOUT_MS: '150', DATABASE_LOCK_TIMEOUT_MS: '100' }).unscoped('test');
    expect503(await caught(db.$queryRaw`SELECT pg_sleep(2)`), 'busy');
    const holder = new pg.Client({ connectionString: scratch.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE login_throttles IN ACCESS EXCLUSIVE MODE');
      expect503(await caught(db.loginThrottle.findMany()), 'busy');
      expect503(await caught(db.$queryRaw`SELECT count(*) FROM login_throttles`), 'busy');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('the pool wait (pg "timeout exceeded when trying to connect"), raw, model and transaction', async () => {
    const service = use({ DATABASE_POOL_SIZE: '1', DATABASE_POOL_TIMEOUT_MS: '150' });
    const held = await service.pool.connect();
    try {
      const db = service.unscoped('test');
      expect503(await caught(db.$queryRaw`SELECT 1`), 'busy');
      expect503(await caught(db.user.count()), 'busy');
      expect503(await caught(db.$transaction(async (tx) => tx.user.count())), 'busy');
    } finally {
      held.release();
    }
  });

  it('a connection ended by the server mid-query (57P01 admin shutdown)', async () => {
    const service = use();
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    try {
      const marker = `terminate_me_${Date.now()}`;
      const pending = caught(service.unscoped('test').$queryRawUnsafe(`SELECT pg_sleep(5) AS ${marker}`));
      const direct = caught(service.pool.query(`SELECT pg_sleep(5) AS ${marker}_pg`));
      for (let i = 0; i < 50; i++) {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
          [`%${marker}%`],
        );
        if (rowCount === 2) break;
        await sleep(50);
      }
      expect503(await pending, 'unreachable');
      expect503(await direct, 'unreachable');
    } finally {
      await admin.end();
    }
  });

  it('a deadlock (40P01) and a transaction left idle too long (25P03)', async () => {
    const db = use().unscoped('test');
    await db.$executeRaw`INSERT INTO login_throttles (key, failures, last_failure_at) VALUES ('dl:a', 0, now()), ('dl:b', 0, now())`;
    const lockBoth = (first: string, second: string) =>
      caught(
        db.$transaction(
          async (tx) => {
            await tx.$executeRaw`UPDATE login_throttles SET failures = failures + 1 WHERE key = ${first}`;
            await sleep(300);
            await tx.$executeRaw`UPDATE login_throttles SET failures = failures + 1 WHERE key = ${second}`;
          },
          // Generous: on a loaded machine nothing but the deadlock may end either one.
          { maxWait: 20_000, timeout: 20_000 },
        ),
      );
    const results = await Promise.all([lockBoth('dl:a', 'dl:b'), lockBoth('dl:b', 'dl:a')]);
    const failed = results.filter(Boolean);
    expect(failed).toHaveLength(1);
    expect503(failed[0], 'conflict');

    const idleLimited = use({ DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '200' }).unscoped('test');
    const idle = await caught(
      idleLimited.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT 1`;
          await sleep(600);
          await tx.$queryRaw`SELECT 1`;
        },
        { maxWait: 20_000, timeout: 20_000 },
      ),
    );
    expect(idle).toBeDefined();
    expect(toProblem(idle).status).toBe(503);
  });

  it('a closed pool (shutting down), and the session store on it', async () => {
    const service = use();
    const store = new SessionStore(service.pool);
    await service.onModuleDestroy();
    expect503(await caught(service.unscoped('test').user.count()), 'closed');
    expect503(await caught(service.unscoped('test').$queryRaw`SELECT 1`), 'closed');
    const storeError = await new Promise((resolve) => store.get('any-sid', (error) => resolve(error)));
    expect503(storeError, 'closed');
  });

  it('the session store on an unreachable server', async () => {
    const service = use({ DATABASE_POOL_TIMEOUT_MS: '1000' }, 'postgresql://postgres@127.0.0.1:1/byline');
    const store = new SessionStore(service.pool);
    const storeError = await new Promise((resolve) => store.get('any-sid', (error) => resolve(error)));
    expect503(storeError, 'unreachable');
  });

  it('leaves ordinary errors alone: they stay 500s or domain errors', async () => {
    const db = use().unscoped('test');
    const syntax = await caught(db.$queryRawUnsafe('SELEC 1'));
    expect(databaseUnavailability(syntax)).toBeUndefined();
    expect(toProblem(syntax).status).toBe(500);
    await db.$executeRaw`INSERT INTO login_throttles (key, failures, last_failure_at) VALUES ('dup', 0, now())`;
    const duplicate = await caught(db.loginThrottle.create({ data: { key: 'dup', failures: 0, lastFailureAt: new Date() } }));
    expect(databaseUnavailability(duplicate)).toBeUndefined();
    expect(databaseUnavailability(new Error('connection to the webhook failed'))).toBeUndefined();
  });
});

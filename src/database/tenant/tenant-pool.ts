// The pool under Prisma and the session store. Whenever a tenant is in context, every
// statement runs in a transaction whose first act is set_config('app.user_id', …, true), so
// row-level security confines it to that tenant, whichever client or code path sent it;
// transaction-local, so it never outlives the transaction (safe under PgBouncer's
// transaction pooling, never seen by the next user of the connection).
import pg from 'pg';
import { inlineStatement } from './inline-statement.js';
import { tenantStore } from './tenant-context.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * BEGIN and the tenant in one round trip (a simple-protocol script). The id is checked to
 * be a UUID before it is written into the text, so nothing else can get in.
 */
export function beginSql(userId: string | null, readOnly = false): string {
  const begin = readOnly ? 'BEGIN READ ONLY' : 'BEGIN';
  if (userId === null) return begin;
  if (!uuid.test(userId)) throw new Error('A tenant id must be a UUID');
  return `${begin}; SELECT set_config('app.user_id', '${userId}', true)`;
}

/**
 * A statement and its tenant (and READ ONLY, for a read) in one simple-protocol message,
 * which PostgreSQL runs as one implicit transaction: it commits, or rolls back on an error,
 * when the message ends, and the setting ends with it. One round trip, as before row-level
 * security. Undefined when the statement cannot be inlined.
 */
export function oneTripSql(
  userId: string,
  text: string,
  values: readonly unknown[] = [],
  readOnly = false,
): string | undefined {
  if (!uuid.test(userId)) throw new Error('A tenant id must be a UUID');
  // Only plain statements: transaction control or SET in the message would change it.
  if (!/^\s*(SELECT|WITH|INSERT|UPDATE|DELETE|TABLE|VALUES)\b/i.test(text)) return undefined;
  const statement = inlineStatement(text, values);
  if (statement === undefined) return undefined;
  const tenant = `SELECT set_config('app.user_id', '${userId}', true); ${statement}`;
  return readOnly ? `SET TRANSACTION READ ONLY; ${tenant}` : tenant;
}

type QueryArgs = [text: string | pg.QueryConfig, values?: unknown[]];

function textOf(query: string | pg.QueryConfig): string {
  return (typeof query === 'string' ? query : query.text).trim().toUpperCase();
}

export class TenantPool extends pg.Pool {
  override query(...args: any[]): any {
    const store = tenantStore();
    if (!store?.userId) return (super.query as (...a: any[]) => any)(...args);
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    const [text, values] = args as QueryArgs;
    const result = this.inOwnTransaction(store.userId, text, values, store.readOnly);
    if (!callback) return result;
    result.then(
      (res) => callback(null, res),
      (error: unknown) => callback(error),
    );
    return undefined;
  }

  private async inOwnTransaction(
    userId: string | null,
    text: string | pg.QueryConfig,
    values: unknown[] | undefined,
    readOnly = false,
  ): Promise<pg.QueryResult> {
    if (userId) {
      const config: any = typeof text === 'string' ? { text } : text;
      const script = oneTripSql(userId, config.text, values ?? config.values ?? [], readOnly);
      if (script !== undefined) {
        const client = await super.connect();
        let results: pg.QueryResult[];
        try {
          results = (await client.query({ text: script, rowMode: config.rowMode, types: config.types } as any)) as any;
        } catch (error) {
          // A statement's error leaves the connection clean (the implicit transaction rolls
          // back); any other means the connection itself failed: drop it.
          const code = (error as { code?: unknown }).code;
          client.release(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? undefined : true);
          throw error;
        }
        client.release();
        return results[results.length - 1];
      }
    }
    const client = await super.connect();
    let result: pg.QueryResult;
    try {
      await client.query(beginSql(userId, readOnly));
      result = await client.query(text as pg.QueryConfig, values);
    } catch (error) {
      await client.query('ROLLBACK').then(
        () => client.release(),
        () => client.release(true),
      );
      throw error;
    }
    const commit = client.query('COMMIT').then(
      () => client.release(),
      (error: Error) => {
        client.release(true);
        throw error;
      },
    );
    // A read-only transaction has nothing to commit: its COMMIT goes off the caller's path.
    if (readOnly) commit.catch(() => {});
    else await commit;
    return result;
  }

  /**
   * Prisma's interactive transactions (DatabaseService.transaction, the request's ambient
   * one, included) take a client and send BEGIN: with a tenant, the tenant goes with it.
   */
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: any) => void) => void,
  ): void;
  override connect(...args: any[]): any {
    const store = tenantStore();
    if (!store?.userId) return args.length ? super.connect(args[0]) : super.connect();
    if (args.length) throw new Error('TenantPool.connect takes no callback inside a tenant context');
    const userId = store.userId;
    return super.connect().then((client) => tenantClient(client, userId));
  }
}

function intercept(
  client: pg.PoolClient,
  query: (text: string | pg.QueryConfig, values?: unknown[]) => Promise<pg.QueryResult> | undefined,
  release?: () => void,
): pg.PoolClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') {
        return (text: string | pg.QueryConfig, values?: unknown[]) =>
          query(text, values) ?? target.query(text as pg.QueryConfig, values);
      }
      if (property === 'release' && release) return release;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function tenantClient(client: pg.PoolClient, userId: string | null): pg.PoolClient {
  return intercept(client, (text) => {
    if (textOf(text) !== 'BEGIN') return undefined;
    return client.query(beginSql(userId)).then((results) => (Array.isArray(results) ? results[0] : results));
  });
}

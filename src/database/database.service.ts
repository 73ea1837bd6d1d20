import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { createHash } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { type Prisma, PrismaClient } from '../generated/prisma/client.js';
import { ambientTransaction, inSavepoint, withAmbientTransaction } from './ambient-transaction.js';
import { TenantPool } from './tenant/tenant-pool.js';

/**
 * Names each distinct SQL text, so every connection prepares it once and reuses the plan:
 * Byline's SQL is a small fixed set (values are always parameters).
 */
const statementNames = new Map<string, string>();
function preparedStatementName(query: { sql: string }): string {
  let name = statementNames.get(query.sql);
  if (!name) {
    name = `byline_${createHash('sha1').update(query.sql).digest('hex').slice(0, 20)}`;
    if (statementNames.size < 5000) statementNames.set(query.sql, name);
  }
  return name;
}

/**
 * Every wait a request can meet is bounded: for a pooled connection (acquiring or opening
 * one), for a statement, for a lock, and for a transaction left idle. pg sends the three
 * timeouts as startup parameters, so they hold on every connection of the pool.
 */
export function boundedWaits(timeouts: ReadyConfig['databaseTimeouts'] | undefined) {
  // A hand-built partial config (some tests) keeps the former pool wait and no others.
  if (!timeouts) return { connectionTimeoutMillis: 5000 };
  return {
    connectionTimeoutMillis: timeouts.poolMillis,
    statement_timeout: timeouts.statementMillis,
    lock_timeout: timeouts.lockMillis,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMillis,
  };
}

/** An interactive transaction of the unscoped client. */
export type Transaction = Prisma.TransactionClient;

/**
 * The one pool and Prisma client. Only the data layer (src/database) holds the client;
 * features reach platform data (users, sessions, roles, the audit log) through
 * `unscoped(reason)`, whose reason says why the access needs no tenant, and tenant data
 * through the scoped client.
 */
@Injectable()
export class DatabaseService implements OnModuleDestroy {
  /**
   * Shared with the session store, so Byline holds one pool of the configured size. With a
   * tenant in context every statement through it carries that tenant (row-level security).
   */
  readonly pool: TenantPool;
  private readonly client: PrismaClient;
  private readonly logger = new Logger(DatabaseService.name);

  constructor(@Inject(APP_CONFIG) config: ReadyConfig) {
    this.pool = new TenantPool({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      ...boundedWaits(config.databaseTimeouts),
      // Dates such as CURRENT_DATE (a post's default editorial date) are UTC dates.
      options: '-c TimeZone=UTC',
    });
    // A connection the server ends (restart, failover, a dropped database) must not crash
    // the process: the next query gets a fresh connection, or a 503 while none can be had.
    this.pool.on('error', (error) => this.logger.warn(`idle database connection ended: ${error.message}`));
    this.pool.on('connect', (client) =>
      client.on('error', (error) => this.logger.warn(`database connection ended: ${error.message}`)),
    );
    this.client = new PrismaClient({
      adapter: new PrismaPg(this.pool, { statementNameGenerator: preparedStatementName }),
    });
  }

  /**
   * The unscoped client. Every call names its reason, so `grep -rn "unscoped("` lists
   * every place that reads or writes without a tenant.
   */
  unscoped(reason: string): PrismaClient;
  /**
   * With 'join-request': the request's transaction when there is one (an idempotent
   * write), for platform writes that belong to its change (audit entries, sessions ended).
   */
  unscoped(reason: string, scope: 'join-request'): Transaction;
  unscoped(reason: string, scope?: 'join-request'): PrismaClient | Transaction {
    if (!reason.trim()) throw new Error('unscoped() needs a reason');
    return (scope && ambientTransaction()) || this.client;
  }

  /**
   * Runs `work` in a transaction that becomes the ambient one for everything it awaits,
   * or, inside one already (an idempotent request), in a savepoint of it, so the request's
   * change and its kept response commit together.
   */
  transaction<T>(
    work: (tx: Transaction) => Promise<T>,
    options?: { timeout?: number; maxWait?: number },
  ): Promise<T> {
    const ambient = ambientTransaction();
    if (ambient) return inSavepoint(ambient, work);
    return this.client.$transaction((tx) => withAmbientTransaction(tx, () => work(tx)), options);
  }

  /**
   * Runs `work` in one transaction as `byline_worker`, the jobs' role: it reaches every
   * user's rows, but only in the tables and with the commands the jobs use (granted in the
   * row-level security migration). Like `unscoped`, every call names its reason.
   */
  worker<T>(reason: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (!reason.trim()) throw new Error('worker() needs a reason');
    return this.client.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL ROLE byline_worker');
      return work(tx);
    });
  }

  /**
   * Runs `work` in one transaction as `byline_operator`, the command line's role (grant-role):
   * only on the migration owner's connection (MIGRATION_DATABASE_URL), the one role it is
   * granted to; the application's role is refused. Its policies admit exactly the rows of the
   * tables the operator commands use. Work inside joins this transaction (ambient).
   */
  operator<T>(reason: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (!reason.trim()) throw new Error('operator() needs a reason');
    return this.client.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL ROLE byline_operator');
      return withAmbientTransaction(tx, () => work(tx));
    });
  }

  /**
   * Runs `work` only if this process wins PostgreSQL's advisory lock `key`, held on one
   * connection for the duration, so with several instances one runs it and the others skip.
   * Returns whether it ran.
   */
  async withAdvisoryLock(key: string, work: () => Promise<void>): Promise<boolean> {
    const connection = await this.pool.connect();
    try {
      const { rows } = await connection.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [key],
      );
      if (!rows[0].locked) return false;
      try {
        await work();
      } finally {
        await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      }
      return true;
    } finally {
      connection.release();
    }
  }

  private closing?: Promise<void>;

  /** Closes the client and the pool, once; graceful shutdown calls it after the drain. */
  onModuleDestroy(): Promise<void> {
    this.closing ??= (async () => {
      await this.client.$disconnect();
      await this.pool.end();
    })();
    return this.closing;
  }
}

import { Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { ambientTransaction, inSavepoint } from '../ambient-transaction.js';
import { DatabaseService } from '../database.service.js';
import { currentTenant, runReadOnly } from './tenant-context.js';
import { type RuntimeModels, TenantScopeViolation, TenantScoper } from './tenant-scoper.js';

/** The data model Prisma carries at run time (models, fields, relations). */
export function runtimeModels(client: PrismaClient): RuntimeModels {
  return (client as unknown as { _runtimeDataModel: { models: RuntimeModels } })._runtimeDataModel
    .models;
}

const readOperations = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);
const delegateName = (model: string) => model[0].toLowerCase() + model.slice(1);

// Prisma batches findUnique calls made in the same tick into one request, run in the async
// context of the first caller, so two tenants' lookups could share one tenant's
// transaction (a false "not found"). findFirst is never batched.
const unbatched: Record<string, string> = { findUnique: 'findFirst', findUniqueOrThrow: 'findFirstOrThrow' };

/** Runs a scoped operation in the request's transaction; writes in a savepoint of it. */
function inAmbient(tx: Prisma.TransactionClient, model: string, operation: string, args: unknown) {
  const run = (client: Prisma.TransactionClient) =>
    (client as any)[delegateName(model)][operation](args) as Promise<unknown>;
  return readOperations.has(operation) ? run(tx) : inSavepoint(tx, run);
}

function scopedClient(raw: PrismaClient, scoper: TenantScoper) {
  return raw.$extends({
    query: {
      $allModels: {
        // The first wall: every tenant query is confined here. The second is PostgreSQL's
        // row-level security, which the pool sets up for every statement (TenantPool).
        $allOperations({ model, operation, args, query }) {
          if (!scoper.isTenant(model)) {
            throw new TenantScopeViolation(`${model} is not tenant data; use an unscoped path`);
          }
          const scoped = scoper.scope(model, operation, args, currentTenant());
          const tx = ambientTransaction();
          if (tx) return inAmbient(tx, model, operation, scoped);
          const instead = unbatched[operation];
          if (instead) return (raw as any)[delegateName(model)][instead](scoped);
          return query(scoped);
        },
      },
    },
  });
}

type ScopedClient = ReturnType<typeof scopedClient>;
/** Only the tenant models, and transactions over them. */
export type TenantClient = Pick<
  ScopedClient,
  | 'post'
  | 'tag'
  | 'postTag'
  | 'outboxEvent'
  | 'webhookEndpoint'
  | 'webhookDelivery'
  | 'idempotencyKey'
  | '$transaction'
>;

/** Carries a read's rows out of the savepoint it rolls back. */
class ReadDone extends Error {
  constructor(readonly rows: unknown[]) {
    super('read done');
  }
}

/**
 * The only way features reach tenant data. `client` confines every model operation to the
 * current user (from the request context; none means an error, never everything); `read`
 * runs one read-only SQL statement; and under both, PostgreSQL's row-level security shows
 * a statement only the rows of the tenant its transaction carries.
 */
@Injectable()
export class TenantDatabase {
  readonly client: TenantClient;
  private readonly scoper: TenantScoper;
  /** Table names of the tenant models. */
  readonly tables: string[];
  private readonly raw: PrismaClient;

  constructor(private readonly database: DatabaseService) {
    this.raw = database.unscoped('the tenant layer itself: it adds the scope to every query');
    const models = runtimeModels(this.raw);
    this.scoper = new TenantScoper(models);
    this.client = scopedClient(this.raw, this.scoper);
    this.tables = this.scoper.tenantModels.map(
      (model) => (models[model] as { dbName?: string }).dbName ?? model,
    );
  }

  /**
   * Runs one SQL statement READ ONLY, in the current user's transaction: tables are named
   * as they are, and row-level security shows only that user's rows. A write, or a second
   * statement, is refused by PostgreSQL. Used where a rule must be evaluated in SQL, such
   * as publication status against the database clock.
   */
  async read<T>(query: Prisma.Sql): Promise<T[]> {
    currentTenant();
    const tx = ambientTransaction();
    if (!tx) {
      // Prisma's promises run when awaited: the await belongs inside the read-only scope.
      return runReadOnly(async () => await this.raw.$queryRaw<T[]>(query));
    }
    // In the request's transaction: a read-only savepoint, rolled back to restore writing.
    try {
      await inSavepoint(tx, async (inner) => {
        await inner.$executeRawUnsafe('SET LOCAL transaction_read_only = on');
        throw new ReadDone(await inner.$queryRaw<T[]>(query));
      });
    } catch (error) {
      if (error instanceof ReadDone) return error.rows as T[];
      throw error;
    }
    throw new Error('unreachable');
  }

  /**
   * Runs `fn` in one transaction (DatabaseService.transaction, the request's ambient one)
   * that the scoped client, `read` and platform writes made with 'join-request' join, so
   * they commit or roll back together; the tenant rides with it (TenantPool).
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.database.transaction(() => fn());
  }

  /**
   * The current user, for the owner field that Prisma's input types require on creates.
   * The scoper refuses any other value, so passing it is a formality, not a trust.
   */
  userId(): string {
    return currentTenant();
  }

  /** The database clock, for writes that must agree with reads evaluated against it. */
  async now(): Promise<Date> {
    const [row] = await (ambientTransaction() ?? this.raw).$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    return row.now;
  }
}

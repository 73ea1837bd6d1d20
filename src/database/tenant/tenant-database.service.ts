import { Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { DatabaseService } from '../database.service.js';
import { currentTenant, runReadOnly, tenantStore } from './tenant-context.js';
import type { TenantPool } from './tenant-pool.js';
import { type RuntimeModels, TenantScopeViolation, TenantScoper } from './tenant-scoper.js';

/** The data model Prisma carries at run time (models, fields, relations). */
export function runtimeModels(client: PrismaClient): RuntimeModels {
  return (client as unknown as { _runtimeDataModel: { models: RuntimeModels } })._runtimeDataModel
    .models;
}

// Prisma batches findUnique calls made in the same tick into one request, run in the async
// context of the first caller, so two tenants' lookups could share one tenant's
// transaction (a false "not found"). findFirst is never batched.
const unbatched: Record<string, string> = { findUnique: 'findFirst', findUniqueOrThrow: 'findFirstOrThrow' };

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
          const instead = unbatched[operation];
          if (instead) {
            const delegate = (raw as any)[model.charAt(0).toLowerCase() + model.slice(1)];
            return delegate[instead](scoped);
          }
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
  'post' | 'tag' | 'postTag' | 'outboxEvent' | 'webhookEndpoint' | 'webhookDelivery' | '$transaction'
>;

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
  private readonly pool: TenantPool;

  constructor(database: DatabaseService) {
    this.raw = database.unscoped('the tenant layer itself: it adds the scope to every query');
    this.pool = database.pool;
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
  read<T>(query: Prisma.Sql): Promise<T[]> {
    currentTenant();
    // Prisma's promises run when awaited: the await belongs inside the read-only scope.
    return runReadOnly(async () => await this.raw.$queryRaw<T[]>(query));
  }

  /**
   * Runs `fn` in one transaction of the current user (or of nobody, outside a request):
   * every statement inside it, through `client`, `read` or any other path, joins it, and
   * commits or rolls back with it. Nested calls join the outer one. Its statements run one
   * at a time on one connection, so keep it short and do no slow I/O inside.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.pool.transaction(tenantStore()?.userId ?? null, fn);
  }

  /** Whether an ambient transaction is open here. */
  inTransaction(): boolean {
    return !!tenantStore()?.transaction;
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
    const [row] = await this.raw.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    return row.now;
  }
}

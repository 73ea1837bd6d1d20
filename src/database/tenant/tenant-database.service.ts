import { Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { ambientTransaction, inSavepoint } from '../ambient-transaction.js';
import { DatabaseService } from '../database.service.js';
import { currentTenant } from './tenant-context.js';
import { type RuntimeModels, TenantScopeViolation, TenantScoper } from './tenant-scoper.js';

/** The data model Prisma carries at run time (models, fields, relations). */
export function runtimeModels(client: PrismaClient): RuntimeModels {
  return (client as unknown as { _runtimeDataModel: { models: RuntimeModels } })._runtimeDataModel
    .models;
}

const readOperations = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);
const delegateName = (model: string) => model[0].toLowerCase() + model.slice(1);

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
        // Every tenant query passes here, so row-level security (SET LOCAL app.user_id in
        // a transaction) would be added at this one place.
        $allOperations({ model, operation, args, query }) {
          if (!scoper.isTenant(model)) {
            throw new TenantScopeViolation(`${model} is not tenant data; use an unscoped path`);
          }
          const scoped = scoper.scope(model, operation, args, currentTenant());
          const tx = ambientTransaction();
          return tx ? inAmbient(tx, model, operation, scoped) : query(scoped);
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

/**
 * The only way features reach tenant data. `client` confines every model operation to the
 * current user (from the request context; none means an error, never everything); `read`
 * runs SQL that can see only that user's rows.
 */
@Injectable()
export class TenantDatabase {
  readonly client: TenantClient;
  private readonly scoper: TenantScoper;
  /** Table names of the tenant models; `read` exposes each as `my_<table>`. */
  readonly tables: string[];
  private readonly raw: PrismaClient;
  private readonly directReference: RegExp;
  private readonly viewNames: Array<{ table: string; pattern: RegExp }>;

  constructor(database: DatabaseService) {
    this.raw = database.unscoped('the tenant layer itself: it adds the scope to every query');
    const models = runtimeModels(this.raw);
    this.scoper = new TenantScoper(models);
    this.client = scopedClient(this.raw, this.scoper);
    this.tables = this.scoper.tenantModels.map(
      (model) => (models[model] as { dbName?: string }).dbName ?? model,
    );
    this.viewNames = this.tables.map((table) => ({ table, pattern: new RegExp(`\\bmy_${table}\\b`) }));
    // A tenant table after FROM, JOIN or a comma: a reference that would bypass my_<table>.
    this.directReference = new RegExp(
      `(\\bfrom|\\bjoin|,)\\s+(\\w+\\.)?"?(${this.tables.join('|')})"?(?![\\w"])`,
      'i',
    );
  }

  /**
   * Runs a read in which each tenant table is visible only as `my_<table>`, a view of the
   * current user's rows; naming a tenant table directly is refused. Used where a rule must
   * be evaluated in SQL, such as publication status against the database clock.
   */
  async read<T>(query: Prisma.Sql): Promise<T[]> {
    const userId = currentTenant();
    const text = query.strings.join(' ');
    if (this.directReference.test(text)) {
      throw new TenantScopeViolation('Read tenant tables as my_<table> inside TenantDatabase.read');
    }
    // Only the views the query names, so the statement stays small and cheap to plan.
    const views = this.viewNames
      .filter(({ pattern }) => pattern.test(text))
      .map(
        ({ table }) =>
          Prisma.sql`${Prisma.raw(`my_${table}`)} AS (SELECT * FROM ${Prisma.raw(`"${table}"`)} WHERE user_id = ${userId}::uuid)`,
      );
    const db = ambientTransaction() ?? this.raw;
    if (!views.length) return db.$queryRaw<T[]>(query);
    return db.$queryRaw<T[]>(Prisma.sql`WITH ${Prisma.join(views)} ${query}`);
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

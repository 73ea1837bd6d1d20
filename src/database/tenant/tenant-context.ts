import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/** Thrown when tenant data is touched with no user in context: a bug, never a 4xx. */
export class MissingTenantError extends Error {
  constructor() {
    super('Tenant data was queried with no user in context; use an explicit unscoped path.');
  }
}

/** A transaction that every statement of its async scope joins (see TenantPool). */
export interface AmbientTransaction {
  client: pg.PoolClient;
  userId: string | null;
  /** Savepoints opened by nested Prisma transactions, for unique names. */
  depth: number;
}

interface TenantStore {
  userId: string | null;
  transaction?: AmbientTransaction;
  /** Statements run READ ONLY (TenantDatabase.read). */
  readOnly?: boolean;
}

const storage = new AsyncLocalStorage<TenantStore>();

/** Runs `fn` with `userId` (or nobody) as the tenant of every scoped query inside it. */
export function runAsTenant<T>(userId: string | null, fn: () => T): T {
  return storage.run({ userId }, fn);
}

/** The current tenant's id; throws when there is none (fail closed). */
export function currentTenant(): string {
  const userId = storage.getStore()?.userId;
  if (!userId) throw new MissingTenantError();
  return userId;
}

/** The tenant, the ambient transaction and the read-only flag in effect here, if any. */
export function tenantStore(): Readonly<TenantStore> | undefined {
  return storage.getStore();
}

/** Runs `fn` with `transaction` as the ambient transaction of its async scope. */
export function runInTransaction<T>(transaction: AmbientTransaction, fn: () => T): T {
  return storage.run({ userId: transaction.userId, transaction }, fn);
}

/** Runs `fn` with its statements marked read-only. */
export function runReadOnly<T>(fn: () => T): T {
  const store = storage.getStore();
  return storage.run({ userId: store?.userId ?? null, transaction: store?.transaction, readOnly: true }, fn);
}

import { AsyncLocalStorage } from 'node:async_hooks';

/** Thrown when tenant data is touched with no user in context: a bug, never a 4xx. */
export class MissingTenantError extends Error {
  constructor() {
    super('Tenant data was queried with no user in context; use an explicit unscoped path.');
  }
}

interface TenantStore {
  userId: string | null;
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

/** The tenant and the read-only flag in effect here, if any. */
export function tenantStore(): Readonly<TenantStore> | undefined {
  return storage.getStore();
}

/** Runs `fn` with its statements marked read-only. */
export function runReadOnly<T>(fn: () => T): T {
  const store = storage.getStore();
  return storage.run({ userId: store?.userId ?? null, readOnly: true }, fn);
}

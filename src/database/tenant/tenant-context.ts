import { AsyncLocalStorage } from 'node:async_hooks';

/** Thrown when tenant data is touched with no user in context: a bug, never a 4xx. */
export class MissingTenantError extends Error {
  constructor() {
    super('Tenant data was queried with no user in context; use an explicit unscoped path.');
  }
}

interface TenantStore {
  userId: string | null;
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

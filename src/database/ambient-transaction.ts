import { AsyncLocalStorage } from 'node:async_hooks';
import type { Prisma } from '../generated/prisma/client.js';

// The request's transaction, when one is open (an idempotent write opens one around its
// handler). The tenant layer and DatabaseService.transaction join it, so the change and
// the record of its response commit or roll back together.
const storage = new AsyncLocalStorage<Prisma.TransactionClient>();

export function ambientTransaction(): Prisma.TransactionClient | undefined {
  return storage.getStore();
}

export function withAmbientTransaction<T>(tx: Prisma.TransactionClient, fn: () => T): T {
  return storage.run(tx, fn);
}

/**
 * Runs `work` inside the ambient transaction as a nested one (Prisma makes it a
 * SAVEPOINT), so a failed statement that the caller catches (a unique violation it turns
 * into a retry or a 409) undoes only itself, as it would outside a transaction.
 */
export function inSavepoint<T>(
  tx: Prisma.TransactionClient,
  work: (inner: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return tx.$transaction((inner) => withAmbientTransaction(inner, () => work(inner)));
}

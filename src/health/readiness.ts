import type { DatabaseStatus } from '../database/migration-status.js';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: {
    shutdown?: 'in-progress';
    database?: 'up' | 'down';
    migrations?: 'applied' | 'pending' | 'unknown';
  };
  pendingMigrations?: string[];
}

/**
 * The /health/ready body: it says which check failed, and states migrations only when
 * they could be read (an unreachable database is not "pending migrations").
 */
export function readiness(status: DatabaseStatus | 'shutting-down'): Readiness {
  if (status === 'shutting-down') return { status: 'unavailable', checks: { shutdown: 'in-progress' } };
  if (!status.reachable) return { status: 'unavailable', checks: { database: 'down' } };
  if (status.migrations === 'unknown') {
    return { status: 'unavailable', checks: { database: 'up', migrations: 'unknown' } };
  }
  const pending = status.pendingMigrations;
  if (pending.length) {
    return { status: 'unavailable', checks: { database: 'up', migrations: 'pending' }, pendingMigrations: pending };
  }
  return { status: 'ok', checks: { database: 'up', migrations: 'applied' } };
}

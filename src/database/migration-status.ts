import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { isDatabaseUnavailable } from './database-errors.js';
import { migrationNames } from './migrations.js';

/** What readiness could learn; migration state only when it could be read. */
export type DatabaseStatus =
  | { reachable: false }
  | { reachable: true; migrations: 'read'; pendingMigrations: string[] }
  | { reachable: true; migrations: 'unknown' };

/**
 * Whether the database answers and has every migration this build ships, asked on a tiny
 * pool of its own with short timeouts: a busy main pool (every connection waiting on a
 * lock) must not make readiness wait, nor report a database that is up as down.
 */
@Injectable()
export class MigrationStatus implements OnModuleDestroy {
  private readonly shipped = migrationNames();
  private readonly pool: pg.Pool;
  private readonly logger = new Logger(MigrationStatus.name);

  constructor(@Inject(APP_CONFIG) config: ReadyConfig) {
    const millis = config.healthCheckMillis;
    this.pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: 2,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: millis,
      statement_timeout: millis,
      lock_timeout: millis,
    });
    this.pool.on('error', () => {});
  }

  async check(): Promise<DatabaseStatus> {
    const shipped = await this.shipped;
    try {
      const { rows } = await this.pool.query<{ migration_name: string }>(
        `SELECT migration_name FROM _prisma_migrations
         WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      const applied = new Set(rows.map((row) => row.migration_name));
      return { reachable: true, migrations: 'read', pendingMigrations: shipped.filter((name) => !applied.has(name)) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // No migrations table yet means nothing is applied.
      if (code === '42P01') return { reachable: true, migrations: 'read', pendingMigrations: shipped };
      if (isDatabaseUnavailable(error)) return { reachable: false };
      this.logger.warn(`readiness could not read the migrations: ${(error as Error).message}`);
      return { reachable: true, migrations: 'unknown' };
    }
  }

  onModuleDestroy(): Promise<void> {
    return this.pool.end().catch(() => {});
  }
}

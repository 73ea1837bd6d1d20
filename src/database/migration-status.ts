import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service.js';
import { postgresErrorCode } from './database-errors.js';
import { migrationNames } from './migrations.js';

export interface DatabaseStatus {
  reachable: boolean;
  pendingMigrations: string[];
}

/** Whether the database answers and has every migration this build ships. */
@Injectable()
export class MigrationStatus {
  private readonly shipped = migrationNames();

  constructor(private readonly database: DatabaseService) {}

  async check(): Promise<DatabaseStatus> {
    const shipped = await this.shipped;
    try {
      const rows = await this.database.unscoped('health: migration bookkeeping').$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const applied = new Set(rows.map((row) => row.migration_name));
      return { reachable: true, pendingMigrations: shipped.filter((name) => !applied.has(name)) };
    } catch (error) {
      // No migrations table yet means nothing is applied; anything else means unreachable.
      if (postgresErrorCode(error) === '42P01') {
        return { reachable: true, pendingMigrations: shipped };
      }
      return { reachable: false, pendingMigrations: shipped };
    }
  }
}

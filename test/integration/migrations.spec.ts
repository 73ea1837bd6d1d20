import { inject } from 'vitest';
import {
  applyMigrations,
  diffMigrationsToSchema,
  migrationNames,
} from '../../src/database/migrations.js';
import { createScratchDatabase, query } from '../support/databases.js';

describe('migrations', () => {
  it('agree with schema.prisma (run `npm run db:migration -- <name>` when this fails)', async () => {
    expect(await diffMigrationsToSchema(inject('serverUrl'))).toBe('');
  });

  it('apply to an empty database once, recorded in Prisma’s own table', async () => {
    const scratch = await createScratchDatabase();
    try {
      const names = await migrationNames();
      expect(await applyMigrations(scratch.url)).toEqual(names);
      expect(await applyMigrations(scratch.url)).toEqual([]);
      const rows = await query<{ migration_name: string }>(
        scratch.url,
        `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1`,
      );
      expect(rows.map((row) => row.migration_name)).toEqual(names);
    } finally {
      await scratch.drop();
    }
  });
});

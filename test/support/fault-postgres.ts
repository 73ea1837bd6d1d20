import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedServer, freePort, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { applyMigrations } from '../../src/database/migrations.js';

/**
 * A PostgreSQL of the test's own (embedded, random port, data under os.tmpdir()) that the
 * test may stop and start again, migrated. remove() stops it and deletes its data.
 */
export async function startFaultPostgres(): Promise<EmbeddedServer & { remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'byline-faults-'));
  // persistent: the data must survive stop() so that start() brings the same server back.
  const server = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freePort(), persistent: true });
  await applyMigrations(server.url);
  return {
    ...server,
    async remove() {
      await server.stop().catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}

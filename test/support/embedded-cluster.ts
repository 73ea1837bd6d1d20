import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedServer, freePort, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

/**
 * A PostgreSQL cluster of the test file's own (embedded, PostgreSQL 18, no Byline role in it
 * yet), for tests of what is the cluster's: roles. Started before the file's tests, stopped
 * and deleted after them.
 */
export function useEmbeddedCluster() {
  const cluster = {} as { server: EmbeddedServer };
  let root: string | undefined;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'byline-cluster-'));
    cluster.server = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freePort(), persistent: false });
  }, 120_000);
  afterAll(async () => {
    await cluster.server?.stop().catch(() => {});
    if (root) await rm(root, { recursive: true, force: true });
  });
  return cluster;
}

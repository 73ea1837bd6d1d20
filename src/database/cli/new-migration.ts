// npm run db:migration -- <name> — writes prisma/migrations/<timestamp>_<name>/migration.sql
// with what schema.prisma has that the migrations do not. Uses DATABASE_URL's server for a
// throwaway shadow database, or a temporary embedded server when DATABASE_URL is not set.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres } from '../embedded-postgres.js';
import { diffMigrationsToSchema, migrationsDir } from '../migrations.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name in snake_case>');
  process.exit(1);
}

const embedded = process.env.DATABASE_URL
  ? undefined
  : await startEmbeddedPostgres({
      dataDir: path.join(await mkdtemp(path.join(os.tmpdir(), 'byline-diff-')), 'pg'),
      port: await freePort(),
      persistent: false,
    });
try {
  const sql = await diffMigrationsToSchema(process.env.DATABASE_URL ?? embedded!.url);
  if (!sql) {
    console.log('schema.prisma and the migrations agree; nothing to write.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    await mkdir(dir);
    await writeFile(path.join(dir, 'migration.sql'), `${sql}\n`);
    console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  }
} finally {
  await embedded?.stop();
}

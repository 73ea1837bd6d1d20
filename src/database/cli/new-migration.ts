// npm run db:migration -- <name> — writes prisma/migrations/<timestamp>_<name>/migration.sql
// with what schema.prisma has that the migrations do not. Uses DATABASE_URL's server for a
// throwaway shadow database, or a temporary embedded server when DATABASE_URL is not set.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { serverOrTemporary } from '../embedded-postgres.js';
import { diffMigrationsToSchema, migrationsDir } from '../migrations.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name in snake_case>');
  process.exit(1);
}

const server = await serverOrTemporary(process.env.DATABASE_URL);
try {
  const sql = await diffMigrationsToSchema(server.url);
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
  await server.stop();
}

// npm run db:migrate — applies pending migrations as the owner: MIGRATION_DATABASE_URL,
// else DATABASE_URL (a one-role setup).
import { applyMigrations } from '../migrations.js';

const url = process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  console.error('Neither MIGRATION_DATABASE_URL nor DATABASE_URL is set.');
  process.exit(1);
}
const applied = await applyMigrations(url);
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');

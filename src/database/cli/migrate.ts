// npm run db:migrate — applies pending migrations to DATABASE_URL.
import { applyMigrations } from '../migrations.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set.');
  process.exit(1);
}
const applied = await applyMigrations(url);
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');

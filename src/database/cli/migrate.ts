// npm run db:migrate — applies pending migrations as the owner (MIGRATION_DATABASE_URL,
// else DATABASE_URL: a one-role setup). With both set and naming different users, it then
// makes DATABASE_URL's user, when missing, a LOGIN member of byline_app with that password:
// the application's own role, which owns nothing and is bound by row-level security.
import { applyMigrations } from '../migrations.js';
import { ensureApplicationLogin } from '../roles.js';

const appUrl = process.env.DATABASE_URL || undefined;
const ownerUrl = process.env.MIGRATION_DATABASE_URL || appUrl;
if (!ownerUrl) {
  console.error('Neither MIGRATION_DATABASE_URL nor DATABASE_URL is set.');
  process.exit(1);
}
const applied = await applyMigrations(ownerUrl);
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');

const app = appUrl ? new URL(appUrl) : undefined;
if (app && decodeURIComponent(app.username) !== decodeURIComponent(new URL(ownerUrl).username)) {
  const login = decodeURIComponent(app.username);
  await ensureApplicationLogin(ownerUrl, login, decodeURIComponent(app.password));
  console.log(`The application role ${login} is a member of byline_app.`);
} else {
  console.warn('DATABASE_URL is the migration owner: a weaker one-role setup (see README).');
}

// npm run cli -- <command>. Runs without the server: with the migration owner's connection
// (MIGRATION_DATABASE_URL, else DATABASE_URL), or on the embedded development server under
// .data/ (started, migrated and stopped here). An operator tool, not the application: it
// becomes byline_operator (granted to the owner only), because the application's own role
// may not read other accounts or grant roles without an administrator's permission.
import os from 'node:os';
import { RolesRepository } from '../admin/roles/roles.repository.js';
import { RolesService } from '../admin/roles/roles.service.js';
import { normalizeEmail } from '../auth/users/email.js';
import { AuditLog } from '../audit/audit-log.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { DatabaseService } from '../database/database.service.js';
import { startDevelopmentDatabase } from '../database/embedded-postgres.js';
import { ProblemError } from '../http/problems.js';

const usage = 'Usage: npm run cli -- grant-role <email> <role>';

async function grantRole(database: DatabaseService, email: string, role: string): Promise<void> {
  await database.operator('command line: grant a role', async (tx) => {
    const user = await tx.user.findUnique({ where: { email: normalizeEmail(email) }, select: { id: true } });
    if (!user) throw new Error(`No account has the email ${email}.`);
    // Wired by hand: the command line has no HTTP request and needs no Nest container.
    const roles = new RolesService(new RolesRepository(database), new AuditLog(database));
    const actor = { type: 'cli' as const, label: `${os.userInfo().username}@${os.hostname()}` };
    await roles.grant(user.id, role, { actor, ip: null, requestId: null });
  });
  console.log(`${email} now has the role ${role}.`);
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command !== 'grant-role' || rest.length !== 2) throw new Error(usage);
  const config = loadConfig();
  const embedded = config.migrationDatabaseUrl ? undefined : await startDevelopmentDatabase();
  const database = new DatabaseService({ ...config, databaseUrl: config.migrationDatabaseUrl ?? embedded!.url });
  try {
    await grantRole(database, rest[0], rest[1]);
  } finally {
    await database.onModuleDestroy();
    await embedded?.stop();
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  const message =
    error instanceof ProblemError || error instanceof ConfigError || error instanceof Error
      ? (error as Error).message
      : String(error);
  // The application's own role may not become the operator: say which connection is needed.
  const hint = /byline_operator/.test(message)
    ? ' (the command line needs the migration owner\'s connection: set MIGRATION_DATABASE_URL)'
    : '';
  console.error(message + hint);
  process.exit(1);
}

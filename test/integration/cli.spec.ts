import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { userInput } from '../factories/user.factory.js';
import { query } from '../support/databases.js';

const run = promisify(execFile);

describe('npm run cli -- grant-role', () => {
  it('grants a role without the server and records the command line as the actor', async () => {
    const url = inject('databaseUrl');
    const input = userInput();
    const [user] = await query<{ id: string }>(
      url,
      `INSERT INTO users (email, handle, display_name, password_hash) VALUES ($1, $2, $3, 'x') RETURNING id`,
      [input.email, input.handle, input.displayName],
    );
    // Typed as sign-in accepts it: upper case, fullwidth letters (the email's one stored form is NFKC, case-folded).
    const typed = input.email.toUpperCase().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const { stdout } = await run('npx', ['tsx', 'src/cli/main.ts', 'grant-role', typed, 'admin'], {
      env: { ...process.env, DATABASE_URL: url },
    });
    expect(stdout).toContain('now has the role admin');
    const roles = await query(url, `SELECT 1 FROM user_roles WHERE user_id = $1 AND role_name = 'admin'`, [user.id]);
    expect(roles).toHaveLength(1);
    const audit = await query<{ actor_type: string; details: object }>(
      url,
      `SELECT actor_type, details FROM audit_events WHERE action = 'role.granted' AND target_id = $1`,
      [user.id],
    );
    expect(audit).toEqual([{ actor_type: 'cli', details: { role: 'admin' } }]);
  });

  it('fails with a message for an unknown account or role', async () => {
    const env = { ...process.env, DATABASE_URL: inject('databaseUrl') };
    await expect(run('npx', ['tsx', 'src/cli/main.ts', 'grant-role', 'ghost@example.com', 'admin'], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining('No account has the email'),
    });
  });

  it('runs on the owner’s MIGRATION_DATABASE_URL; the application’s role alone may not grant', async () => {
    const owner = inject('databaseUrl');
    const input = userInput();
    const [user] = await query<{ id: string }>(
      owner,
      `INSERT INTO users (email, handle, display_name, password_hash) VALUES ($1, $2, $3, 'x') RETURNING id`,
      [input.email, input.handle, input.displayName],
    );
    const asApplication = { ...process.env, DATABASE_URL: inject('appDatabaseUrl'), MIGRATION_DATABASE_URL: '' };
    delete (asApplication as Record<string, string | undefined>).MIGRATION_DATABASE_URL;
    await expect(
      run('npx', ['tsx', 'src/cli/main.ts', 'grant-role', input.email, 'admin'], { env: asApplication }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('set MIGRATION_DATABASE_URL') });
    const grants = () => query(owner, `SELECT 1 FROM user_roles WHERE user_id = $1 AND role_name = 'admin'`, [user.id]);
    expect(await grants()).toHaveLength(0);

    const both = { ...process.env, DATABASE_URL: inject('appDatabaseUrl'), MIGRATION_DATABASE_URL: owner };
    const { stdout } = await run('npx', ['tsx', 'src/cli/main.ts', 'grant-role', input.email, 'admin'], { env: both });
    expect(stdout).toContain('now has the role admin');
    expect(await grants()).toHaveLength(1);
  });
});

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { query } from '../support/databases.js';

// The API refuses to delete a built-in role (409) and has no way to rename a role or mark
// one built in. A holder of roles.manage, no admin, with raw SQL as the application and its
// tenant set, could: delete `author` (every account loses it, and every sign-up then fails
// on create_account's grant of a role that no longer exists), delete `auditor` and create it
// again empty (emptying a role it could not assign), or mark a role of its own built in so
// that admins cannot delete it through the API.
describe('built-in roles, as a role manager with raw SQL', () => {
  let manager: string;
  const owner = () => inject('databaseUrl');

  beforeAll(async () => {
    manager = randomUUID();
    const role = `mgr-${manager.slice(0, 8)}`;
    await query(owner(), `INSERT INTO users (id, email, handle, display_name, password_hash)
      VALUES ($1, $2, $3, 'M', 'x')`, [manager, `m-${manager}@example.com`, `m-${manager.slice(0, 8)}`]);
    await query(owner(), 'INSERT INTO roles (name) VALUES ($1)', [role]);
    await query(owner(), `INSERT INTO role_permissions (role_name, permission) VALUES ($1, 'roles.manage')`, [role]);
    await query(owner(), 'INSERT INTO user_roles (user_id, role_name) VALUES ($1, $2), ($1, $3)', [manager, role, 'author']);
  });

  /** Runs `sql` as the application with the manager as tenant; rolled back; the error code or rows changed. */
  async function asManager(sql: string): Promise<string | number> {
    const client = new pg.Client({ connectionString: inject('appDatabaseUrl') });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.user_id', $1, true)`, [manager]);
      const result = await client.query(sql);
      return result.rowCount ?? 0;
    } catch (error) {
      return (error as { code: string }).code;
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      await client.end();
    }
  }

  it('the manager can manage roles at all (the setup works)', async () => {
    expect(await asManager(`INSERT INTO roles (name) VALUES ('scratch-${randomUUID()}')`)).toBe(1);
  });

  it('cannot delete a built-in role', async () => {
    expect(await asManager(`DELETE FROM roles WHERE name = 'author'`)).toBe(0);
    expect(await asManager(`DELETE FROM roles WHERE name = 'auditor'`)).toBe(0);
  });

  it('cannot mark a role built in, or a built-in one not', async () => {
    expect(await asManager(`INSERT INTO roles (name, built_in) VALUES ('fake-${randomUUID()}', true)`)).toBe('42501');
    expect(await asManager(`UPDATE roles SET built_in = true WHERE name = 'mgr-${manager.slice(0, 8)}'`)).toBe('42501');
    expect(await asManager(`UPDATE roles SET built_in = false WHERE name = 'author'`)).toBe('42501');
  });

  it('cannot rename a role (names are what grants and the admin rule refer to)', async () => {
    expect(await asManager(`UPDATE roles SET name = 'renamed-${randomUUID()}' WHERE name = 'mgr-${manager.slice(0, 8)}'`)).toBe('42501');
  });
});

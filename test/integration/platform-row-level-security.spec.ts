import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { asTenant, connect } from '../support/databases.js';

// The platform tables (accounts, sessions, grants, roles, the audit log) behind the second
// wall: hand-written SQL as the application's role, no application code in between.

interface Account {
  id: string;
  email: string;
  sid: string;
}

const sessionData = (userId: string | null) => ({
  cookie: { originalMaxAge: 3_600_000, expires: '2999-01-01T00:00:00.000Z', httpOnly: true, path: '/' },
  ...(userId ? { passport: { user: userId } } : {}),
});

async function seedAccount(owner: pg.Client, roles: string[], disabled = false): Promise<Account> {
  const tag = randomUUID().slice(0, 8);
  const email = `platform-${tag}@example.com`;
  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO users (email, handle, display_name, password_hash, disabled_at)
     VALUES ($1, $2, $2, $3, $4) RETURNING id`,
    [email, `platform-${tag}`, `hash-of-${tag}`, disabled ? new Date() : null],
  );
  const id = rows[0].id;
  for (const role of roles) await owner.query(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, $2)`, [id, role]);
  const sid = `sid-${randomUUID()}`;
  await owner.query(`INSERT INTO "session" (sid, sess, expire) VALUES ($1, $2, '2999-01-01')`, [sid, sessionData(id)]);
  await owner.query(
    `INSERT INTO audit_events (actor_type, actor_id, action, details) VALUES ('user', $1, 'auth.login_succeeded', '{}')`,
    [id],
  );
  return { id, email, sid };
}

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('row-level security on platform tables', () => {
  let owner: pg.Client;
  let app: pg.Client;
  let a: Account;
  let b: Account;
  let admin: Account;
  let auditor: Account;
  let disabledAdmin: Account;

  beforeAll(async () => {
    owner = await connect(inject('databaseUrl'));
    app = await connect(inject('appDatabaseUrl'));
    a = await seedAccount(owner, ['author']);
    b = await seedAccount(owner, ['author']);
    admin = await seedAccount(owner, ['admin']);
    auditor = await seedAccount(owner, ['auditor']);
    disabledAdmin = await seedAccount(owner, ['admin'], true);
  });
  afterAll(async () => {
    await app?.end();
    await owner?.end();
  });

  const all = (table: string) => app.query(`SELECT * FROM ${table}`).then((r) => r.rows);

  it('shows an author only its own session, account, grants and roles, and no audit entry', async () => {
    const seen = await asTenant(app, b.id, async () => ({
      sessions: (await app.query(`SELECT sid, user_id FROM "session"`)).rows,
      users: (await app.query(`SELECT id, email FROM users`)).rows,
      grants: (await app.query(`SELECT user_id, role_name FROM user_roles`)).rows,
      roles: (await app.query(`SELECT name FROM roles ORDER BY name`)).rows.map((r) => r.name),
      permissions: (await app.query(`SELECT DISTINCT role_name FROM role_permissions`)).rows.map((r) => r.role_name),
      audit: await all('audit_events'),
    }));
    expect(seen).toEqual({
      sessions: [{ sid: b.sid, user_id: b.id }],
      users: [{ id: b.id, email: b.email }],
      grants: [{ user_id: b.id, role_name: 'author' }],
      roles: ['author'],
      permissions: ['author'],
      audit: [],
    });
  });

  it('shows nothing with no tenant set', async () => {
    for (const table of ['"session"', 'users', 'user_roles', 'roles', 'role_permissions', 'audit_events']) {
      const rows = await asTenant(app, null, async () => (await app.query(`SELECT count(*)::int AS n FROM ${table}`)).rows);
      expect(rows, table).toEqual([{ n: 0 }]);
    }
  });

  it('refuses password_hash to the application, with or without a tenant, even its own', async () => {
    for (const tenant of [null, b.id, admin.id]) {
      expect(await refusal(asTenant(app, tenant, () => app.query('SELECT password_hash FROM users'))), `${tenant}`).toBe('42501');
      expect(await refusal(asTenant(app, tenant, () => app.query('SELECT * FROM users'))), `${tenant}`).toBe('42501');
      expect(
        await refusal(asTenant(app, tenant, () => app.query(`UPDATE users SET password_hash = 'x' WHERE id = $1`, [b.id]))),
      ).toBe('42501');
    }
  });

  it('keeps the sign-in counters from the application and the worker, but for reserving, refunding and pruning', async () => {
    const key = `account:throttle-${randomUUID()}@example.com`;
    for (const tenant of [null, b.id, admin.id]) {
      for (const statement of [
        'SELECT key FROM login_throttles',
        `INSERT INTO login_throttles (key, failures, last_failure_at) VALUES ('x', 0, now())`,
        'DELETE FROM login_throttles',
      ]) {
        expect(await refusal(asTenant(app, tenant, () => app.query(statement))), `${tenant}: ${statement}`).toBe('42501');
        // The application may become the worker (a job's transaction): no way round there either.
        expect(
          await refusal(asTenant(app, tenant, async () => {
            await app.query('SET LOCAL ROLE byline_worker');
            return app.query(statement);
          })),
          `worker: ${statement}`,
        ).toBe('42501');
      }
    }
    // What sign-in needs: five free attempts, then a lock whose seconds it is told; a
    // success starts the account afresh.
    const reserve = async () =>
      (await app.query<{ wait: number }>(`SELECT login_throttle_reserve($1, '{5}', '{900}', 900) AS wait`, [[key]])).rows[0].wait;
    const waits = [];
    for (let i = 0; i < 6; i++) waits.push(await reserve());
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(waits[5]).toBeGreaterThan(0);
    await app.query(`SELECT login_throttle_refund($1, NULL)`, [key]);
    expect(await reserve()).toBe(0);
    expect((await owner.query(`SELECT failures FROM login_throttles WHERE key = $1`, [key])).rows).toEqual([{ failures: 1 }]);
    // Pruning, the worker's: a counter idle for a day goes.
    await owner.query(`UPDATE login_throttles SET last_failure_at = now() - interval '2 days', locked_until = NULL WHERE key = $1`, [key]);
    await app.query('BEGIN');
    await app.query('SET LOCAL ROLE byline_worker');
    const [{ n: pruned }] = (await app.query<{ n: number }>('SELECT login_throttles_prune() AS n')).rows;
    await app.query('COMMIT');
    expect(pruned).toBeGreaterThanOrEqual(1);
    expect((await owner.query(`SELECT 1 FROM login_throttles WHERE key = $1`, [key])).rows).toEqual([]);
  });

  it('does not let an author grant itself admin, change a role, disable anyone, or write as someone else', async () => {
    expect(
      await refusal(asTenant(app, b.id, () => app.query(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, 'admin')`, [b.id]))),
    ).toBe('42501');
    expect(
      await refusal(asTenant(app, b.id, () => app.query(`INSERT INTO role_permissions (role_name, permission) VALUES ('author', 'roles.manage')`))),
    ).toBe('42501');
    expect(await refusal(asTenant(app, b.id, () => app.query(`INSERT INTO roles (name, description) VALUES ('mine', '')`)))).toBe('42501');
    const changed = await asTenant(app, b.id, async () => ({
      disabled: (await app.query(`UPDATE users SET disabled_at = now()`)).rowCount,
      revoked: (await app.query(`DELETE FROM user_roles`)).rowCount,
      ended: (await app.query(`DELETE FROM "session" WHERE user_id <> $1`, [b.id])).rowCount,
      described: (await app.query(`UPDATE roles SET description = 'mine'`)).rowCount,
    }));
    expect(changed).toEqual({ disabled: 0, revoked: 0, ended: 0, described: 0 });
    expect(
      await refusal(asTenant(app, b.id, () => app.query(`SELECT sessions_end_for_user($1, NULL)`, [a.id]))),
    ).toBe('42501');
    expect(
      await refusal(
        asTenant(app, b.id, () =>
          app.query(`INSERT INTO audit_events (actor_type, actor_id, action, details) VALUES ('user', $1, 'role.granted', '{}')`, [a.id]),
        ),
      ),
    ).toBe('42501');
    // Nor may a request with no tenant write an entry in someone's name.
    expect(
      await refusal(
        asTenant(app, null, () =>
          app.query(`INSERT INTO audit_events (actor_type, actor_id, action, details) VALUES ('user', $1, 'role.granted', '{}')`, [a.id]),
        ),
      ),
    ).toBe('42501');
    // Nor become one of the narrow roles that own the functions.
    for (const role of ['byline_access', 'byline_sessions', 'byline_accounts', 'byline_operator', 'byline_reader']) {
      expect(await refusal(asTenant(app, b.id, () => app.query(`SET LOCAL ROLE ${role}`))), role).toBe('42501');
    }
  });

  it('lets an admin do what the administration routes need, and no more', async () => {
    const seen = await asTenant(app, admin.id, async () => {
      const users = (await app.query(`SELECT id FROM users WHERE id = ANY($1)`, [[a.id, b.id, auditor.id]])).rowCount;
      const granted = (await app.query(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, 'auditor')`, [b.id])).rowCount;
      const revoked = (await app.query(`DELETE FROM user_roles WHERE user_id = $1 AND role_name = 'auditor'`, [b.id])).rowCount;
      const disabled = (await app.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [a.id])).rowCount;
      const ended = (await app.query(`SELECT sessions_end_for_user($1, NULL) AS n`, [a.id])).rows[0].n;
      const audit = (await app.query(`SELECT count(*)::int AS n FROM audit_events WHERE actor_id = $1`, [b.id])).rows[0].n;
      // Even an admin never reads another user's session id.
      const sids = (await app.query(`SELECT sid FROM "session" WHERE user_id = $1`, [b.id])).rowCount;
      return { users, granted, revoked, disabled, ended, audit, sids };
    });
    expect(seen).toEqual({ users: 3, granted: 1, revoked: 1, disabled: 1, ended: 1, audit: 1, sids: 0 });
  });

  it('holds a role manager to the rule against escalation, as the API does', async () => {
    // A role that manages roles and writes content, and nothing else; a role with more.
    const tag = randomUUID().slice(0, 8);
    const [manages, wider] = [`manages-${tag}`, `wider-${tag}`];
    await owner.query(`INSERT INTO roles (name, description) VALUES ($1, ''), ($2, '')`, [manages, wider]);
    await owner.query(
      `INSERT INTO role_permissions (role_name, permission) VALUES ($1, 'roles.manage'), ($1, 'content.write'), ($2, 'users.manage')`,
      [manages, wider],
    );
    const manager = await seedAccount(owner, [manages]);
    const as = (sql: string, values: unknown[]) => refusal(asTenant(app, manager.id, () => app.query(sql, values)));
    // Refused: admin, a role holding a permission it lacks, a permission added to its own
    // role or to another, a role emptied of what it lacks, admin revoked, admin created.
    expect(await as(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, 'admin')`, [manager.id])).toBe('42501');
    expect(await as(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, $2)`, [manager.id, wider])).toBe('42501');
    expect(await as(`INSERT INTO role_permissions (role_name, permission) VALUES ($1, 'users.manage')`, [manages])).toBe('42501');
    expect(await as(`INSERT INTO role_permissions (role_name, permission) VALUES ('author', 'audit.read')`, [])).toBe('42501');
    const untouched = await asTenant(app, manager.id, async () => ({
      emptied: (await app.query(`DELETE FROM role_permissions WHERE role_name = $1`, [wider])).rowCount,
      adminRevoked: (await app.query(`DELETE FROM user_roles WHERE role_name = 'admin' AND user_id = $1`, [admin.id])).rowCount,
      described: (await app.query(`UPDATE roles SET description = 'mine' WHERE name = $1`, [wider])).rowCount,
    }));
    expect(untouched).toEqual({ emptied: 0, adminRevoked: 0, described: 0 });
    expect(await as(`INSERT INTO roles (name, description) VALUES ('admin', '')`, [])).toBe('42501');
    // Allowed: what it holds, to others and to its own role.
    const allowed = await asTenant(app, manager.id, async () => ({
      granted: (await app.query(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, $2)`, [b.id, manages])).rowCount,
      added: (await app.query(`INSERT INTO role_permissions (role_name, permission) VALUES ('author', 'roles.manage')`)).rowCount,
      described: (await app.query(`UPDATE roles SET description = 'mine' WHERE name = $1`, [manages])).rowCount,
    }));
    expect(allowed).toEqual({ granted: 1, added: 1, described: 1 });
  });

  it('gives an auditor the audit log and the account list, but no grant, and a disabled admin nothing', async () => {
    const auditorView = await asTenant(app, auditor.id, async () => ({
      audit: (await app.query(`SELECT count(*)::int AS n FROM audit_events WHERE actor_id = ANY($1)`, [[a.id, b.id]])).rows[0].n,
      users: (await app.query(`SELECT count(*)::int AS n FROM users WHERE id = ANY($1)`, [[a.id, b.id]])).rows[0].n,
    }));
    expect(auditorView).toEqual({ audit: 2, users: 2 });
    expect(
      await refusal(asTenant(app, auditor.id, () => app.query(`INSERT INTO user_roles (user_id, role_name) VALUES ($1, 'admin')`, [auditor.id]))),
    ).toBe('42501');
    const disabledView = await asTenant(app, disabledAdmin.id, async () => ({
      users: (await app.query(`SELECT id FROM users`)).rows.map((r) => r.id),
      audit: (await app.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n,
    }));
    expect(disabledView).toEqual({ users: [disabledAdmin.id], audit: 0 });
  });

  it('reads, saves and ends a session only by its sid, and never brings an ended one back', async () => {
    const sid = `sid-${randomUUID()}`;
    await app.query(`SELECT session_insert($1, $2, '2999-01-01')`, [sid, sessionData(b.id)]);
    expect((await app.query(`SELECT session_read($1) AS s`, [sid])).rows[0].s).toMatchObject({ passport: { user: b.id } });
    expect((await app.query(`SELECT session_read($1) AS s`, ['no-such-sid'])).rows[0].s).toBeNull();
    // A known sid cannot be made another user's session, nor inserted twice.
    expect((await app.query(`SELECT session_save($1, $2, '2999-01-01') AS saved`, [sid, sessionData(admin.id)])).rows[0].saved).toBe(false);
    expect(await refusal(app.query(`SELECT session_insert($1, $2, '2999-01-01')`, [sid, sessionData(admin.id)]))).toBe('23505');
    // Saves racing the end: whichever order they run in, the session stays ended.
    const saves = Array.from({ length: 20 }, () =>
      app.query(`SELECT session_save($1, $2, '2999-01-01') AS saved`, [sid, sessionData(b.id)]),
    );
    await Promise.all([...saves.slice(0, 10), app.query(`SELECT session_end($1)`, [sid]), ...saves.slice(10)]);
    await Promise.all(
      Array.from({ length: 5 }, () => app.query(`SELECT session_save($1, $2, '2999-01-01')`, [sid, sessionData(b.id)])),
    );
    expect((await owner.query(`SELECT count(*)::int AS n FROM "session" WHERE sid = $1`, [sid])).rows[0].n).toBe(0);
  });

  it('signs up and signs in through the account functions, one account at a time', async () => {
    const tag = randomUUID().slice(0, 8);
    const created = await asTenant(app, null, async () => {
      const [account] = (
        await app.query(`SELECT * FROM create_account($1, $2, $2, 'new-hash')`, [`new-${tag}@example.com`, `new-${tag}`])
      ).rows;
      await app.query(`SELECT set_config('app.user_id', $1, true)`, [account.id]);
      const grants = (await app.query(`SELECT role_name FROM user_roles`)).rows.map((r) => r.role_name);
      const credentials = (await app.query(`SELECT id, password_hash FROM account_credentials($1)`, [`new-${tag}@example.com`])).rows;
      const own = (await app.query(`SELECT own_password_hash() AS h`)).rows[0].h;
      return { id: account.id, grants, credentials, own };
    });
    expect(created).toEqual({
      id: expect.any(String),
      grants: ['author'],
      credentials: [{ id: created.id, password_hash: 'new-hash' }],
      own: 'new-hash',
    });
    expect(await refusal(app.query(`SELECT * FROM create_account($1, 'other', 'x', 'x')`, [a.email]))).toBe('23505');
    // With no tenant there is no own hash, and no hash to change.
    const nobody = await asTenant(app, null, async () => ({
      own: (await app.query(`SELECT own_password_hash() AS h`)).rows[0].h,
      changed: (await app.query(`SELECT set_own_password_hash('x') AS c`)).rows[0].c,
    }));
    expect(nobody).toEqual({ own: null, changed: false });
  });
});

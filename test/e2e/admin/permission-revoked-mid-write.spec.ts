import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { RolesRepository } from '../../../src/admin/roles/roles.repository.js';
import { AdminUsersRepository } from '../../../src/admin/users/admin-users.repository.js';
import { SessionsRepository } from '../../../src/auth/session/sessions.repository.js';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { grantDirectly } from '../../support/roles.js';
import { startTestApp } from '../../support/test-app.js';
import { inject } from 'vitest';

/**
 * The admin routes check the caller's permission in the database at the start of their
 * transaction (assertCallerStillHolds), but each later statement is judged again by the
 * policies (READ COMMITTED: a fresh snapshot per statement). A revocation that commits
 * between the check and the write made the policy refuse the write: a 500 and a logged
 * internal error for what is a plain 403.
 */
describe('a permission revoked between the route’s check and its write', () => {
  let app: NestExpressApplication;
  let server: Server;
  const restore: Array<() => void> = [];

  beforeAll(async () => {
    app = await startTestApp();
    server = app.getHttpServer();
  });
  afterAll(() => app.close());
  afterEach(() => {
    for (const undo of restore.splice(0)) undo();
  });

  /** Holds the next call of `object[method]` (before or after it runs) until released. */
  function hold<T extends object, K extends keyof T>(object: T, method: K, when: 'before' | 'after') {
    const original = object[method] as unknown as (...args: unknown[]) => Promise<unknown>;
    let entered!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    (object as Record<K, unknown>)[method] = async function (this: unknown, ...args: unknown[]) {
      (object as Record<K, unknown>)[method] = original;
      if (when === 'before') {
        entered();
        await released;
        return original.apply(this, args);
      }
      const result = await original.apply(this, args);
      entered();
      await released;
      return result;
    };
    restore.push(() => ((object as Record<K, unknown>)[method] = original));
    return { reached, release };
  }

  async function admins() {
    const caller = await signUp(server);
    await grantDirectly(caller.user.id, 'admin');
    const other = await signUp(server);
    await grantDirectly(other.user.id, 'admin');
    return { caller, other };
  }

  async function revokeAdmin(userId: string) {
    await query(inject('databaseUrl'), `DELETE FROM user_roles WHERE user_id = $1 AND role_name = 'admin'`, [userId]);
  }

  /** The caller's admin role is revoked while its request is held at `method` of `repository`. */
  async function revokedWhileHeld<T extends object, K extends keyof T>(
    repository: T,
    method: K,
    send: (caller: Awaited<ReturnType<typeof signUp>>, targetId: string) => Promise<{ status: number }>,
  ) {
    const { caller } = await admins();
    const target = await signUp(server);
    const held = hold(repository, method, 'before');
    const pending = send(caller, target.user.id);
    await held.reached;
    await revokeAdmin(caller.user.id);
    held.release();
    return { res: await pending, target };
  }

  const disable = (caller: Awaited<ReturnType<typeof signUp>>, id: string) =>
    caller.client.patch(`/v1/admin/users/${id}`, { disabled: true }).then((r) => r);

  it('disable, revoked before the update: 403, and nothing changed', async () => {
    const { res, target } = await revokedWhileHeld(app.get(AdminUsersRepository), 'setDisabled', disable);
    expect(res.status).toBe(403);
    await target.client.get('/v1/auth/me').expect(200);
  });

  it('grant, revoked before the insert: 403, and no grant', async () => {
    const { res, target } = await revokedWhileHeld(app.get(RolesRepository), 'grant', (caller, id) =>
      caller.client.put(`/v1/admin/users/${id}/roles/auditor`).then((r) => r),
    );
    expect(res.status).toBe(403);
    const rows = await query(inject('databaseUrl'), `SELECT 1 FROM user_roles WHERE user_id = $1 AND role_name = 'auditor'`, [
      target.user.id,
    ]);
    expect(rows).toEqual([]);
  });

  it('disable, revoked between the update and the end of the sessions: 403, and nothing changed', async () => {
    const { res, target } = await revokedWhileHeld(app.get(SessionsRepository), 'endAllForUser', disable);
    expect(res.status).toBe(403);
    await target.client.get('/v1/auth/me').expect(200);
  });
});

import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { grantDirectly } from '../../support/roles.js';
import { useTestApp } from '../../support/test-app.js';

// A role manager who is no admin edits a role it holds, and through which it holds some of
// that role's permissions. Replacing the permissions as "delete them all, then insert the new
// set" took them away from the caller mid-transaction, so the policies (which ask whether the
// caller holds each permission added, and may assign the role) refused the inserts: a 500.
describe('a role manager editing a role it holds itself', () => {
  const testApp = useTestApp();
  const db = () => inject('databaseUrl');

  async function manager(permissionsOfOwnRole: string[], extraRole: string) {
    const signed = await signUp(testApp.server);
    const own = `mgr-${randomUUID().slice(0, 8)}`;
    await query(db(), 'INSERT INTO roles (name) VALUES ($1)', [own]);
    for (const p of permissionsOfOwnRole) {
      await query(db(), 'INSERT INTO role_permissions (role_name, permission) VALUES ($1, $2)', [own, p]);
    }
    await grantDirectly(signed.user.id, own);
    await grantDirectly(signed.user.id, extraRole);
    // Not an author: content.write comes only from the roles above.
    await query(db(), `DELETE FROM user_roles WHERE user_id = $1 AND role_name = 'author'`, [signed.user.id]);
    return { ...signed, own };
  }

  it('adds a permission it holds to a role through which it holds others (200, not 500)', async () => {
    const shared = `staff-${randomUUID().slice(0, 8)}`;
    await query(db(), 'INSERT INTO roles (name) VALUES ($1)', [shared]);
    await query(db(), `INSERT INTO role_permissions (role_name, permission) VALUES ($1, 'content.write')`, [shared]);
    const m = await manager(['roles.manage', 'users.read'], shared);

    const res = await m.client.patch(`/v1/admin/roles/${shared}`, { permissions: ['content.write', 'users.read'] });
    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual(['content.write', 'users.read']);
  });

  it('edits its own managing role, keeping roles.manage (200, not 500)', async () => {
    const m = await manager(['roles.manage'], 'auditor');
    const res = await m.client.patch(`/v1/admin/roles/${m.own}`, {
      description: 'managers',
      permissions: ['roles.manage', 'audit.read'],
    });
    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual(['audit.read', 'roles.manage']);
    // and can still manage roles afterwards
    await m.client.get('/v1/admin/roles').expect(200);
  });

  it('removes a permission from a role it holds (200)', async () => {
    const m = await manager(['roles.manage', 'users.read', 'audit.read'], 'author');
    const res = await m.client.patch(`/v1/admin/roles/${m.own}`, { permissions: ['roles.manage', 'users.read'] });
    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual(['roles.manage', 'users.read']);
  });

  it('removes roles.manage from its own role: 200, and then it manages no more', async () => {
    const m = await manager(['roles.manage', 'users.read'], 'author');
    const res = await m.client.patch(`/v1/admin/roles/${m.own}`, { permissions: ['users.read'] });
    expect([200, 403]).toContain(res.status);
    expect((await m.client.get('/v1/admin/roles')).status).toBe(403);
  });
});

describe('two edits of one role at once', () => {
  const testApp = useTestApp();

  it('end with one edit or the other, never a mix of both', async () => {
    const boss = await signUp(testApp.server);
    await grantDirectly(boss.user.id, 'admin');
    for (let round = 0; round < 8; round++) {
      const name = `mix-${randomUUID().slice(0, 8)}`;
      await boss.client.post('/v1/admin/roles', { name, permissions: ['content.write'] }).expect(201);
      const [a, b] = await Promise.all([
        boss.client.patch(`/v1/admin/roles/${name}`, { permissions: ['users.read'] }),
        boss.client.patch(`/v1/admin/roles/${name}`, { permissions: ['audit.read'] }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const after = await boss.client.get('/v1/admin/roles').expect(200);
      const role = after.body.items.find((r: { name: string }) => r.name === name);
      expect([['users.read'], ['audit.read']]).toContainEqual(role.permissions);
    }
  });

  it('a description edit and a permissions edit at once both stand', async () => {
    const boss = await signUp(testApp.server);
    await grantDirectly(boss.user.id, 'admin');
    for (let round = 0; round < 5; round++) {
      const name = `both-${randomUUID().slice(0, 8)}`;
      await boss.client.post('/v1/admin/roles', { name, description: 'old', permissions: ['content.write'] }).expect(201);
      await Promise.all([
        boss.client.patch(`/v1/admin/roles/${name}`, { description: 'new' }).expect(200),
        boss.client.patch(`/v1/admin/roles/${name}`, { permissions: ['audit.read'] }).expect(200),
      ]);
      const after = await boss.client.get('/v1/admin/roles').expect(200);
      const role = after.body.items.find((r: { name: string }) => r.name === name);
      expect([role.description, role.permissions]).toEqual(['new', ['audit.read']]);
    }
  });
});

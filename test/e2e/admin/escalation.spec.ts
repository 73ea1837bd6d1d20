import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { grantDirectly } from '../../support/roles.js';
import { useTestApp } from '../../support/test-app.js';

/** A custom role made straight in the database, holding exactly `permissions`. */
async function customRole(permissions: string[]): Promise<string> {
  const name = `custom-${randomUUID().slice(0, 8)}`;
  const url = inject('databaseUrl');
  await query(url, 'INSERT INTO roles (name) VALUES ($1)', [name]);
  for (const permission of permissions) {
    await query(url, 'INSERT INTO role_permissions (role_name, permission) VALUES ($1, $2)', [name, permission]);
  }
  return name;
}

async function refusals(actorId: string) {
  return query<{ details: { operation: string; role: string } }>(
    inject('databaseUrl'),
    `SELECT details FROM audit_events WHERE action = 'role.escalation_refused' AND actor_id = $1`,
    [actorId],
  );
}

describe('no escalation through role management', () => {
  const testApp = useTestApp();

  async function withRole(permissions: string[]) {
    const signed = await signUp(testApp.server);
    const role = await customRole(permissions);
    await grantDirectly(signed.user.id, role);
    // Every account starts as an author; take that away so the role is all they hold.
    await query(inject('databaseUrl'), `DELETE FROM user_roles WHERE user_id = $1 AND role_name = 'author'`, [
      signed.user.id,
    ]);
    return { ...signed, role };
  }

  it('roles.manage alone cannot grant itself admin, nor edit the author role', async () => {
    const { client, user, role } = await withRole(['roles.manage']);
    const attempts = await Promise.all([
      client.put(`/v1/admin/users/${user.id}/roles/admin`),
      client.put(`/v1/admin/users/${user.id}/roles/auditor`),
      client.patch('/v1/admin/roles/author', { description: 'mine now' }),
      client.patch(`/v1/admin/roles/${role}`, { permissions: ['roles.manage', 'users.manage'] }),
      // With an Idempotency-Key the write runs in a request transaction; the refusal's audit
      // entry must survive its rollback.
      client
        .post('/v1/admin/roles', { name: `esc-${randomUUID().slice(0, 8)}`, permissions: ['audit.read'] })
        .set('Idempotency-Key', randomUUID()),
      client.patch('/v1/admin/roles/admin', { description: 'x' }),
      client.delete('/v1/admin/roles/admin'),
    ]);
    expect(attempts.map((res) => res.status)).toEqual(attempts.map(() => 403));
    for (const res of attempts) {
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const me = await client.get('/v1/auth/me').expect(200);
    expect(me.body.roles).not.toContain('admin');
    expect(me.body.permissions).toEqual(['roles.manage']);
    expect((await refusals(user.id)).length).toBe(attempts.length);
    const author = await query<{ permission: string }>(
      inject('databaseUrl'),
      `SELECT permission FROM role_permissions WHERE role_name = 'author'`,
    );
    expect(author.map((r) => r.permission)).toEqual(['content.write']);
  });

  it('still lets roles.manage create and grant roles within what it holds', async () => {
    const { client } = await withRole(['roles.manage', 'content.write']);
    const other = await signUp(testApp.server);
    const name = `ok-${randomUUID().slice(0, 8)}`;
    await client.post('/v1/admin/roles', { name, permissions: ['content.write'] }).expect(201);
    await client.put(`/v1/admin/users/${other.user.id}/roles/${name}`).expect(204);
  });

  it('a non-admin may neither revoke admin nor disable an admin', async () => {
    const boss = await signUp(testApp.server);
    await grantDirectly(boss.user.id, 'admin');
    const { client, user } = await withRole(['roles.manage', 'users.manage']);
    expect((await client.delete(`/v1/admin/users/${boss.user.id}/roles/admin`)).status).toBe(403);
    expect((await client.patch(`/v1/admin/users/${boss.user.id}`, { disabled: true })).status).toBe(403);
    await boss.client.get('/v1/auth/me').expect(200);
    expect((await refusals(user.id)).map((r) => r.details.operation).sort()).toEqual(['disable', 'revoke']);
  });
});

import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { RolesService } from '../../../src/admin/roles/roles.service.js';
import { runAsTenant } from '../../../src/database/tenant/tenant-context.js';
import { ConflictProblem, ForbiddenProblem } from '../../../src/http/problems.js';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { grantDirectly, onlyAdmins } from '../../support/roles.js';
import { useTestApp } from '../../support/test-app.js';

// These tests change who is admin, so they run one after another in this file.
describe('roles, grants and the audit log', () => {
  const testApp = useTestApp();

  async function admin() {
    const signed = await signUp(testApp.server);
    await grantDirectly(signed.user.id, 'admin');
    return signed;
  }

  async function adminCount() {
    const [{ admins }] = await query<{ admins: number }>(
      inject('databaseUrl'),
      `SELECT count(*)::int AS admins FROM user_roles WHERE role_name = 'admin'`,
    );
    return admins;
  }

  async function auditRows(action: string, targetId: string) {
    return query<{ actor_type: string; actor_id: string | null; details: Record<string, unknown> }>(
      inject('databaseUrl'),
      'SELECT actor_type, actor_id, details FROM audit_events WHERE action = $1 AND target_id = $2',
      [action, targetId],
    );
  }

  it('every account starts as an author; revoking author takes writing away on the next request', async () => {
    const boss = await admin();
    const writer = await signUp(testApp.server);
    const me = await writer.client.get('/v1/auth/me').expect(200);
    expect(me.body.roles).toEqual(['author']);
    expect(me.body.permissions).toEqual(['content.write']);
    await writer.client.post('/v1/posts', { title: 'Before' }).expect(201);

    await boss.client.delete(`/v1/admin/users/${writer.user.id}/roles/author`).expect(204);
    expect((await writer.client.post('/v1/posts', { title: 'After' })).status).toBe(403);
    await writer.client.get('/v1/posts').expect(200);

    await boss.client.put(`/v1/admin/users/${writer.user.id}/roles/author`).expect(204);
    await boss.client.put(`/v1/admin/users/${writer.user.id}/roles/author`).expect(204);
    await writer.client.post('/v1/posts', { title: 'Again' }).expect(201);

    const revoked = await auditRows('role.revoked', writer.user.id);
    expect(revoked).toEqual([{ actor_type: 'user', actor_id: boss.user.id, details: { role: 'author' } }]);
    expect(await auditRows('role.granted', writer.user.id)).toHaveLength(1);
  });

  it('a live session gains a granted permission and loses a revoked one on its next request', async () => {
    const boss = await admin();
    const reader = await signUp(testApp.server);
    expect((await reader.client.get('/v1/audit-log')).status).toBe(403);
    await boss.client.put(`/v1/admin/users/${reader.user.id}/roles/auditor`).expect(204);
    await reader.client.get('/v1/audit-log').expect(200);
    await boss.client.delete(`/v1/admin/users/${reader.user.id}/roles/auditor`).expect(204);
    expect((await reader.client.get('/v1/audit-log')).status).toBe(403);
  });

  it('changing a role’s permissions applies at once to everyone who holds it', async () => {
    const boss = await admin();
    const member = await signUp(testApp.server);
    const role = `desk-${randomUUID().slice(0, 8)}`;
    const created = await boss.client.post('/v1/admin/roles', { name: role, description: 'Desk', permissions: ['users.read'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: role, description: 'Desk', permissions: ['users.read'], builtIn: false });
    await boss.client.put(`/v1/admin/users/${member.user.id}/roles/${role}`).expect(204);
    await member.client.get('/v1/admin/users').expect(200);
    const edited = await boss.client.patch(`/v1/admin/roles/${role}`, { permissions: ['audit.read'] }).expect(200);
    expect(edited.body.permissions).toEqual(['audit.read']);
    expect((await member.client.get('/v1/admin/users')).status).toBe(403);
    await member.client.get('/v1/audit-log').expect(200);
    const updated = await auditRows('role.updated', role);
    expect(updated[0].details).toMatchObject({
      before: { permissions: ['users.read'] },
      after: { permissions: ['audit.read'] },
    });
    await boss.client.delete(`/v1/admin/roles/${role}`).expect(204);
    expect((await member.client.get('/v1/audit-log')).status).toBe(403);
    expect(await auditRows('role.deleted', role)).toHaveLength(1);
  });

  it('guards the built-in roles, names and permissions', async () => {
    const boss = await admin();
    expect((await boss.client.patch('/v1/admin/roles/admin', { description: 'x' })).status).toBe(409);
    for (const name of ['admin', 'author', 'auditor']) {
      expect((await boss.client.delete(`/v1/admin/roles/${name}`)).status).toBe(409);
    }
    const unknown = await boss.client.post('/v1/admin/roles', { name: 'odd', permissions: ['posts.destroy'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('permissions');
    expect((await boss.client.post('/v1/admin/roles', { name: 'author', permissions: [] })).status).toBe(409);
    expect((await boss.client.patch('/v1/admin/roles/no-such-role', { description: 'x' })).status).toBe(404);
    expect((await boss.client.put(`/v1/admin/users/${randomUUID()}/roles/author`)).status).toBe(404);
    expect((await boss.client.put(`/v1/admin/users/${boss.user.id}/roles/no-such-role`)).status).toBe(404);
    const roles = await boss.client.get('/v1/admin/roles').expect(200);
    expect(roles.body.items).toContainEqual({
      name: 'admin',
      description: expect.any(String),
      permissions: ['content.write', 'users.read', 'users.manage', 'roles.manage', 'audit.read'],
      builtIn: true,
    });
    const permissions = await boss.client.get('/v1/admin/permissions').expect(200);
    expect(permissions.body.items.map((p: { name: string }) => p.name)).toContain('roles.manage');
  });

  it('refuses to revoke or disable the last admin', async () => {
    const boss = await admin();
    await onlyAdmins([boss.user.id]);
    expect((await boss.client.delete(`/v1/admin/users/${boss.user.id}/roles/admin`)).status).toBe(409);
    expect((await boss.client.patch(`/v1/admin/users/${boss.user.id}`, { disabled: true })).status).toBe(409);
    await boss.client.get('/v1/admin/roles').expect(200);
  });

  it('two admins revoking each other at the same moment leave exactly one admin', async () => {
    const first = await admin();
    const second = await admin();
    await onlyAdmins([first.user.id, second.user.id]);
    const results = await Promise.all([
      first.client.delete(`/v1/admin/users/${second.user.id}/roles/admin`),
      second.client.delete(`/v1/admin/users/${first.user.id}/roles/admin`),
    ]);
    // The loser gets 409 when both pass the permission check together, 403 when the
    // winner's revocation already applied to its next request.
    const [won, lost] = results.map((r) => r.status).sort((a, b) => a - b);
    expect(won).toBe(204);
    expect([403, 409]).toContain(lost);
    expect(await adminCount()).toBe(1);
  });

  it('serialises concurrent revocations inside the service too (both past the guard)', async () => {
    const first = await admin();
    const second = await admin();
    await onlyAdmins([first.user.id, second.user.id]);
    const roles = testApp.app.get(RolesService);
    const origin = (id: string) => ({ actor: { type: 'user' as const, id, label: 'test' }, ip: null, requestId: null });
    // Each as its caller, as a request would run it (row-level security judges the tenant).
    const outcomes = await Promise.allSettled([
      runAsTenant(first.user.id, () => roles.revoke(second.user.id, 'admin', origin(first.user.id))),
      runAsTenant(second.user.id, () => roles.revoke(first.user.id, 'admin', origin(second.user.id))),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    // Whichever runs second is refused: as the last admin's revocation (409), or, when the
    // first has already taken its own admin role, for the permission it no longer holds
    // (403, judged again inside the lock). Either way exactly one admin is left.
    expect([ConflictProblem, ForbiddenProblem].some((kind) => rejected.reason instanceof kind)).toBe(true);
    expect(await adminCount()).toBe(1);
  });

  it('disabling a user ends all their sessions at once; enabling lets them sign in again', async () => {
    const boss = await admin();
    const user = await signUp(testApp.server);
    const res = await boss.client.patch(`/v1/admin/users/${user.user.id}`, { disabled: true }).expect(200);
    expect(res.body).toMatchObject({ id: user.user.id, disabled: true, roles: ['author'] });
    expect((await user.client.get('/v1/auth/me')).status).toBe(401);
    const [{ sessions }] = await query<{ sessions: number }>(
      inject('databaseUrl'),
      'SELECT count(*)::int AS sessions FROM "session" WHERE user_id = $1',
      [user.user.id],
    );
    expect(sessions).toBe(0);
    await boss.client.patch(`/v1/admin/users/${user.user.id}`, { disabled: false }).expect(200);
    await user.client.refreshToken();
    await user.client.post('/v1/auth/login', { email: user.input.email, password: user.input.password }).expect(200);
    expect(await auditRows('user.disabled', user.user.id)).toHaveLength(1);
    expect(await auditRows('user.enabled', user.user.id)).toHaveLength(1);
  });

  it('records the account events once each, with their actor, and keeps them append-only', async () => {
    const { client, user, input } = await signUp(testApp.server);
    await client.post('/v1/auth/password', { currentPassword: input.password, newPassword: 'lantern-quartz-meadow-8' }).expect(204);
    await client.post('/v1/auth/sessions/revoke-others').expect(204);
    await client.post('/v1/auth/logout').expect(204);
    await client.refreshToken();
    expect((await client.post('/v1/auth/login', { email: input.email, password: input.password })).status).toBe(401);
    await client.post('/v1/auth/login', { email: input.email, password: 'lantern-quartz-meadow-8' }).expect(200);

    const rows = await query<{ action: string; actor_type: string; actor_id: string | null }>(
      inject('databaseUrl'),
      `SELECT action, actor_type, actor_id FROM audit_events WHERE target_id = $1 ORDER BY at, action`,
      [user.id],
    );
    const byAction = (action: string) => rows.filter((row) => row.action === action);
    for (const action of ['user.signed_up', 'auth.password_changed', 'session.revoked', 'auth.logged_out', 'auth.login_failed', 'auth.login_succeeded']) {
      expect(byAction(action), action).toHaveLength(1);
    }
    expect(byAction('auth.login_failed')[0]).toMatchObject({ actor_type: 'anonymous', actor_id: null });
    expect(byAction('auth.password_changed')[0]).toMatchObject({ actor_type: 'user', actor_id: user.id });

    await expect(
      query(inject('databaseUrl'), `UPDATE audit_events SET action = 'tampered' WHERE target_id = $1`, [user.id]),
    ).rejects.toThrow(/append-only/);
    await expect(query(inject('databaseUrl'), 'DELETE FROM audit_events WHERE target_id = $1', [user.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('serves the audit log to audit.read, filtered by action and paginated', async () => {
    const auditor = await signUp(testApp.server);
    await grantDirectly(auditor.user.id, 'auditor');
    const res = await auditor.client.get('/v1/audit-log?action=user.signed_up&limit=2').expect(200);
    expect(res.body.items).toHaveLength(2);
    for (const item of res.body.items) {
      expect(item).toEqual({
        id: expect.any(String),
        at: expect.any(String),
        actor: { type: 'user', id: expect.any(String), label: expect.any(String) },
        action: 'user.signed_up',
        target: { type: 'user', id: expect.any(String) },
        details: expect.any(Object),
        ip: expect.any(String),
        requestId: expect.any(String),
      });
    }
    const next = await auditor.client.get(`/v1/audit-log?action=user.signed_up&limit=2&cursor=${res.body.nextCursor}`).expect(200);
    expect(next.body.items[0].id).not.toBe(res.body.items[1].id);
    expect((await auditor.client.get('/v1/audit-log?action=bogus')).status).toBe(400);
  });
});

import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { grantDirectly } from '../../support/roles.js';
import { startTestApp } from '../../support/test-app.js';

type Who = 'author' | 'auditor' | 'admin' | 'custom';
type Call = (client: ApiClient, ids: { target: string; role: string }) => ReturnType<ApiClient['get']>;

// Each admin route and the status each role gets. `custom` holds users.read only.
const table: Array<[string, Call, Record<Who, number>]> = [
  ['GET /v1/admin/users', (c) => c.get('/v1/admin/users'), { author: 403, auditor: 200, admin: 200, custom: 200 }],
  ['PATCH /v1/admin/users/:id', (c, x) => c.patch(`/v1/admin/users/${x.target}`, { disabled: false }), { author: 403, auditor: 403, admin: 200, custom: 403 }],
  ['GET /v1/admin/permissions', (c) => c.get('/v1/admin/permissions'), { author: 403, auditor: 403, admin: 200, custom: 403 }],
  ['GET /v1/admin/roles', (c) => c.get('/v1/admin/roles'), { author: 403, auditor: 403, admin: 200, custom: 403 }],
  ['POST /v1/admin/roles', (c) => c.post('/v1/admin/roles', { name: `r-${randomUUID().slice(0, 8)}`, permissions: ['users.read'] }), { author: 403, auditor: 403, admin: 201, custom: 403 }],
  ['PATCH /v1/admin/roles/:name', (c, x) => c.patch(`/v1/admin/roles/${x.role}`, { description: 'edited' }), { author: 403, auditor: 403, admin: 200, custom: 403 }],
  ['PUT /v1/admin/users/:id/roles/:name', (c, x) => c.put(`/v1/admin/users/${x.target}/roles/auditor`), { author: 403, auditor: 403, admin: 204, custom: 403 }],
  ['DELETE /v1/admin/users/:id/roles/:name', (c, x) => c.delete(`/v1/admin/users/${x.target}/roles/auditor`), { author: 403, auditor: 403, admin: 204, custom: 403 }],
  ['DELETE /v1/admin/roles/:name', (c, x) => c.delete(`/v1/admin/roles/${x.role}`), { author: 403, auditor: 403, admin: 204, custom: 403 }],
  ['GET /v1/audit-log', (c) => c.get('/v1/audit-log'), { author: 403, auditor: 200, admin: 200, custom: 403 }],
];

describe('admin routes by role', () => {
  let app: NestExpressApplication;
  let server: Server;
  const clients = {} as Record<Who, ApiClient>;
  let target: string;

  beforeAll(async () => {
    app = await startTestApp();
    server = app.getHttpServer();
    for (const who of ['author', 'auditor', 'admin', 'custom'] as const) {
      const { client, user } = await signUp(server);
      if (who === 'auditor' || who === 'admin') await grantDirectly(user.id, who);
      clients[who] = client;
    }
    const customRole = `reader-${randomUUID().slice(0, 8)}`;
    await clients.admin.post('/v1/admin/roles', { name: customRole, permissions: ['users.read'] }).expect(201);
    const custom = (await clients.custom.get('/v1/auth/me')).body.user.id;
    await clients.admin.put(`/v1/admin/users/${custom}/roles/${customRole}`).expect(204);
    target = (await signUp(server)).user.id;
  });
  afterAll(() => app.close());

  for (const [name, call, expected] of table) {
    it(`${name}: ${JSON.stringify(expected)}, and 401 without a session`, async () => {
      for (const who of ['author', 'auditor', 'custom', 'admin'] as const) {
        // A role of its own for each call that edits or deletes one.
        const role = `t-${randomUUID().slice(0, 8)}`;
        await clients.admin.post('/v1/admin/roles', { name: role, permissions: [] }).expect(201);
        const res = await call(clients[who], { target, role });
        expect(res.status, `${who} on ${name}`).toBe(expected[who]);
      }
      const anonymous = new ApiClient(server);
      await anonymous.refreshToken();
      const res = await call(anonymous, { target, role: 'author' });
      expect(res.status).toBe(401);
    });
  }
});

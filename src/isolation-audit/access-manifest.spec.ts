import type { RouteEntry } from '../auth/access/route-inventory.js';
import { checkManifest } from './access-manifest.js';

const route = (method: string, path: string, access: RouteEntry['access']): RouteEntry => ({
  method,
  path,
  access,
  controller: 'C',
  handler: 'h',
  tenantModel: undefined,
});

const manifest = {
  routes: { 'GET /v1/posts': 'signed-in', 'POST /v1/auth/login': 'public', 'GET /v1/admin/users': 'permission:users.read' },
  publicWrites: ['POST /v1/auth/login'],
};
const live = [
  route('GET', '/v1/posts', { kind: 'signed-in' }),
  route('POST', '/v1/auth/login', { kind: 'public' }),
  route('GET', '/v1/admin/users', { kind: 'permission', permission: 'users.read' }),
];

describe('the access manifest', () => {
  it('holds when the live routes are exactly the manifest', () => {
    expect(checkManifest(live, manifest).every((r) => r.ok)).toBe(true);
  });

  it('names the exact entry to add for a new route', () => {
    const [result] = checkManifest([...live, route('PATCH', '/v1/webhooks/:id', { kind: 'permission', permission: 'content.write' })], manifest);
    expect(result).toEqual({
      check: 'access-manifest',
      ok: false,
      detail: expect.stringContaining('add "PATCH /v1/webhooks/:id": "permission:content.write" to "routes"'),
    });
  });

  it('refuses a weakened declaration (@SignedIn on an admin route) and a removed route', () => {
    const weakened = [live[0], live[1], route('GET', '/v1/admin/users', { kind: 'signed-in' })];
    expect(checkManifest(weakened, manifest).map((r) => r.detail)).toEqual([
      expect.stringContaining('GET /v1/admin/users declares signed-in but the manifest says permission:users.read'),
    ]);
    expect(checkManifest(live.slice(0, 2), manifest).map((r) => r.detail)).toEqual([
      expect.stringContaining('GET /v1/admin/users is in the manifest but the application has no such route'),
    ]);
  });

  it('refuses @Public on a write outside publicWrites, even when the manifest lists it', () => {
    const m = { ...manifest, routes: { ...manifest.routes, 'POST /v1/tags': 'public' } };
    const results = checkManifest([...live, route('POST', '/v1/tags', { kind: 'public' })], m);
    expect(results.filter((r) => !r.ok).map((r) => r.check)).toEqual(['public-write']);
  });
});

// The access manifest (access-manifest.json) is the reviewed statement of who may call each
// route. The live inventory must equal it: a new route, a changed declaration or a removed
// route fails the audit until the manifest changes in the same commit, where a reviewer
// sees it. `@Public` on anything but a GET is refused unless the route is listed under
// `publicWrites` (signing up and signing in).
import { readFile } from 'node:fs/promises';
import type { RouteEntry } from '../auth/access/route-inventory.js';
import type { CheckResult } from './check-result.js';

export interface AccessManifest {
  routes: Record<string, string>;
  publicWrites: string[];
}

export const manifestFile = 'src/isolation-audit/access-manifest.json';

export function describeAccess(route: RouteEntry): string {
  if (!route.access) return 'UNDECLARED';
  return route.access.kind === 'permission' ? `permission:${route.access.permission}` : route.access.kind;
}

export const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

export async function loadManifest(file: string): Promise<AccessManifest> {
  return JSON.parse(await readFile(file, 'utf8')) as AccessManifest;
}

export function checkManifest(routes: RouteEntry[], manifest: AccessManifest): CheckResult[] {
  const results: CheckResult[] = [];
  const live = new Map(routes.map((r) => [routeKey(r), describeAccess(r)]));
  for (const [key, access] of live) {
    const listed = manifest.routes[key];
    if (access === 'UNDECLARED') {
      results.push({ check: 'access-manifest', ok: false, detail: `${key} declares no access: add @Public(), @SignedIn() or @RequirePermission(…), then add "${key}": "<its access>" to ${manifestFile}` });
    } else if (listed === undefined) {
      results.push({ check: 'access-manifest', ok: false, detail: `${key} is not in the manifest: add "${key}": "${access}" to "routes" in ${manifestFile}` });
    } else if (listed !== access) {
      results.push({ check: 'access-manifest', ok: false, detail: `${key} declares ${access} but the manifest says ${listed}: fix the declaration, or change the manifest entry to "${access}" on purpose` });
    }
  }
  for (const key of Object.keys(manifest.routes)) {
    if (!live.has(key)) results.push({ check: 'access-manifest', ok: false, detail: `${key} is in the manifest but the application has no such route: remove it from ${manifestFile}` });
  }
  for (const [key, access] of live) {
    if (access === 'public' && !key.startsWith('GET ') && !manifest.publicWrites.includes(key)) {
      results.push({ check: 'public-write', ok: false, detail: `${key} is @Public but not a GET; only ${manifest.publicWrites.join(', ')} may be (listed under "publicWrites" in ${manifestFile})` });
    }
  }
  for (const key of manifest.publicWrites) {
    if (manifest.routes[key] !== 'public') results.push({ check: 'public-write', ok: false, detail: `"publicWrites" lists ${key}, which the manifest does not mark public` });
  }
  if (!results.length) results.push({ check: 'access-manifest', ok: true, detail: `${live.size} routes, each as the manifest states` });
  return results;
}

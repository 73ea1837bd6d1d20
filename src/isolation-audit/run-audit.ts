import type { Type } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { listRoutes } from '../auth/access/route-inventory.js';
import { createApp } from '../bootstrap.js';
import { loadConfig } from '../config/config.js';
import { TenantDatabase } from '../database/tenant/tenant-database.service.js';
import { createLogger } from '../http/request-logging.js';
import { snapshotter } from './a-snapshot.js';
import { checkManifest, describeAccess, loadManifest, manifestFile } from './access-manifest.js';
import type { CheckResult } from './check-result.js';
import { runDatabaseChecks } from './database-checks-hook.js';
import type { IdPools } from './fill-paths.js';
import { emailMarkers, type Marker, uniqueMarkers, valueMarkers } from './markers.js';
import type { OpenApi } from './probe-inputs.js';
import { type ProbeResult, type RouteCoverage, probeRoute } from './probes.js';
import { checkPublicFields, publicFieldsFile } from './public-fields.js';
import { routeInputs } from './route-inputs.js';
import { idsOf, seed, type Tenant } from './seed.js';
import { allowListFile, type AllowedUnscopedPath, type StaticFindings, staticChecks } from './static-checks.js';

export interface RouteVerdict {
  method: string;
  path: string;
  access: string;
  tenantModel: string | null;
  probes: ProbeResult[];
  coverage: RouteCoverage;
  held: boolean;
}

export interface AuditReport {
  startedAt: string;
  durationMs: number;
  routes: RouteVerdict[];
  /** Whole-application checks: access manifest, public fields, unscoped allow-list, database. */
  checks: CheckResult[];
  staticChecks: StaticFindings;
  markers: number;
  held: boolean;
}

export interface AuditOptions {
  /** Modules that join the application (tests plant faulty routes with it). */
  extra?: Type[];
  /** The repository root holding src/ and the checked-in lists; defaults to this checkout. */
  root?: string;
  /**
   * Where the audit itself reads rows and the catalogue (snapshots for `a-unchanged`): a role
   * that sees every tenant's rows, such as the database owner, when the application's own
   * role is confined by row-level security. Defaults to `databaseUrl`.
   */
  inspectUrl?: string;
}

// The repository root, whether this runs from src/ or from the compiled dist/.
const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Everything of A's that nobody else may see, in every form; and what public readers may not. */
function markersOf(a: Tenant): { private: Marker[]; unpublished: Marker[] } {
  const unpublished = [
    ...emailMarkers("A's email", a.email),
    ...valueMarkers("A's user id", a.id),
    ...[a.posts.draft, a.posts.scheduled].flatMap((p) => [
      ...valueMarkers("an unpublished post's id", p.id),
      ...valueMarkers("an unpublished post's title", p.title),
    ]),
    ...a.sessionHandles.flatMap((h) => valueMarkers("A's session handle", h)),
    ...valueMarkers("A's webhook id", a.webhookId),
    ...valueMarkers("A's webhook URL", a.webhookUrl),
    ...valueMarkers("A's webhook secret", a.webhookSecret),
    ...valueMarkers("A's delivery id", a.deliveryId),
    ...valueMarkers("A's event id", a.eventId),
  ];
  const everything = [
    ...unpublished,
    ...valueMarkers("A's published post id", a.posts.published.id),
    ...valueMarkers("A's published post title", a.posts.published.title),
    ...valueMarkers("A's tag id", a.tagId),
    ...valueMarkers("A's tag name", a.tagName),
    ...valueMarkers("A's handle", a.handle),
    ...valueMarkers("A's display name", a.displayName),
  ];
  return { private: uniqueMarkers(everything), unpublished: uniqueMarkers(unpublished) };
}

/**
 * Boots Byline on `databaseUrl` (a disposable, migrated database: the audit seeds and
 * writes), seeds two tenants and the other roles, then probes every route it finds, and
 * checks the access manifest, the public-field and unscoped allow-lists, and the database.
 */
export async function runIsolationAudit(databaseUrl: string, options: AuditOptions = {}): Promise<AuditReport> {
  const started = Date.now();
  const root = options.root ?? defaultRoot;
  // Jobs stay off: they would change A's rows between the snapshots the probes compare.
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    JOBS_ENABLED: 'false',
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    // The probes send many requests from one address; limits are not what is audited.
    RATE_LIMIT_ENABLED: 'false',
  });
  const app = await createApp({ ...config, databaseUrl }, createLogger('silent'), options.extra ?? []);
  await app.listen(0, '127.0.0.1');
  const inspectUrl = options.inspectUrl ?? databaseUrl;
  const db = new pg.Client({ connectionString: inspectUrl });
  await db.connect();
  try {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    const cast = await seed(baseUrl, db);
    const openApi = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as OpenApi;
    const snapshots = await snapshotter(inspectUrl, () => idsOf(cast.a));
    const pools: IdPools = {
      a: idsOf(cast.a),
      b: idsOf(cast.b),
      named: {
        handle: [cast.a.handle, cast.b.handle],
        slug: Object.values(cast.a.posts).map((p) => p.slug),
        name: ['author', 'admin'],
      },
    };
    const markers = markersOf(cast.a);
    const inputsOf = routeInputs(app);
    const publicFields = new Map<string, Set<string>>();
    const planted = new Set<string>();
    const ensureB = async () => {
      if ((await cast.b.client.send('GET', '/v1/auth/me')).status === 200) return;
      await cast.b.client.refreshToken();
      await cast.b.client.must('POST', '/v1/auth/login', { email: cast.b.email, password: cast.b.password });
      await cast.b.client.refreshToken();
    };

    const routes: RouteVerdict[] = [];
    const live = listRoutes(app);
    try {
      for (const route of live) {
        const { probes, coverage } = await probeRoute(
          { cast, openApi, pools, markers, snapshotA: () => snapshots.take(), inputs: inputsOf(route), publicFields, planted, ensureB },
          route,
        );
        routes.push({
          method: route.method,
          path: route.path,
          access: describeAccess(route),
          tenantModel: route.tenantModel ?? null,
          probes,
          coverage,
          held: probes.every((p) => p.ok),
        });
      }
    } finally {
      await snapshots.close();
    }

    const readJson = async <T>(file: string) => JSON.parse(await readFile(path.join(root, file), 'utf8')) as T;
    const tenant = app.get(TenantDatabase);
    const findings = await staticChecks(
      async (sql) => (await db.query<{ table: string }>(sql)).rows,
      tenant.tables,
      path.join(root, 'src'),
      await readJson<AllowedUnscopedPath[]>(allowListFile),
    );
    const checks: CheckResult[] = [
      ...checkManifest(live, await loadManifest(path.join(root, manifestFile))),
      ...checkPublicFields(publicFields, await readJson<Record<string, string[]>>(publicFieldsFile)),
      ...findings.allowList,
      ...(await runDatabaseChecks({ databaseUrl, ownerUrl: inspectUrl })),
    ];
    const staticHeld = findings.tenantTables.every((t) => t.known) && findings.unexplained.length === 0;
    return {
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      routes,
      checks,
      staticChecks: findings,
      markers: markers.private.length,
      held: staticHeld && checks.every((c) => c.ok) && routes.every((r) => r.held),
    };
  } finally {
    await db.end();
    await app.close();
  }
}

import type { Type } from '@nestjs/common';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { listRoutes, type RouteEntry } from '../auth/access/route-inventory.js';
import { createApp } from '../bootstrap.js';
import { loadConfig } from '../config/config.js';
import { DatabaseService } from '../database/database.service.js';
import { TenantDatabase } from '../database/tenant/tenant-database.service.js';
import { createLogger } from '../http/request-logging.js';
import { type DatabaseCheck, databaseChecks } from './database-checks.js';
import { type ProbeResult, probeRoute } from './probes.js';
import { seed } from './seed.js';
import { type StaticFindings, staticChecks } from './static-checks.js';

export interface RouteVerdict {
  method: string;
  path: string;
  access: string;
  tenantModel: string | null;
  probes: ProbeResult[];
  held: boolean;
}

export interface AuditReport {
  startedAt: string;
  routes: RouteVerdict[];
  staticChecks: StaticFindings;
  /** The second wall: catalog facts and a raw-SQL probe (database-checks.ts). */
  databaseChecks: DatabaseCheck[];
  held: boolean;
}

// The TypeScript sources, whether this runs from src/ or from the compiled dist/.
const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function describeAccess(route: RouteEntry): string {
  if (!route.access) return 'UNDECLARED';
  return route.access.kind === 'permission' ? `permission:${route.access.permission}` : route.access.kind;
}

/**
 * Boots Byline on `databaseUrl` (a disposable, migrated database: the audit seeds and
 * writes), seeds two tenants and the other roles, then probes every route it finds.
 * `extra` modules join the application (tests use it to plant faulty routes). `ownerUrl`
 * (the migration owner) seeds and snapshots rows beneath row-level security; it defaults
 * to `databaseUrl`, a one-role setup.
 */
export async function runIsolationAudit(
  databaseUrl: string,
  extra: Type[] = [],
  ownerUrl = databaseUrl,
): Promise<AuditReport> {
  const startedAt = new Date().toISOString();
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
  const app = await createApp({ ...config, databaseUrl }, createLogger('silent'), extra);
  await app.listen(0, '127.0.0.1');
  const owner = new DatabaseService({ ...config, databaseUrl: ownerUrl, databasePoolSize: 2 });
  try {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    const database = app.get(DatabaseService);
    const tenant = app.get(TenantDatabase);
    const cast = await seed(baseUrl, owner);
    const openApi = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as Parameters<typeof probeRoute>[0]['openApi'];
    const db = owner.unscoped("isolation audit: snapshots tenant A's rows to prove probes changed nothing");
    const snapshotA = async () => {
      const parts: string[] = [];
      for (const table of tenant.tables) {
        const rows = await db.$queryRawUnsafe<{ row: unknown }[]>(
          `SELECT to_jsonb(t) AS row FROM "${table}" t WHERE user_id = $1::uuid ORDER BY to_jsonb(t)::text`,
          cast.a.id,
        );
        parts.push(`${table}:${JSON.stringify(rows)}`);
      }
      return parts.join('\n');
    };

    const routes: RouteVerdict[] = [];
    for (const route of listRoutes(app)) {
      const probes = await probeRoute({ cast, openApi, snapshotA }, route);
      routes.push({
        method: route.method,
        path: route.path,
        access: describeAccess(route),
        tenantModel: route.tenantModel ?? null,
        probes,
        held: probes.every((p) => p.ok),
      });
    }
    const findings = await staticChecks(database, tenant, srcDir);
    const staticHeld = findings.tenantTables.every((t) => t.known) && findings.unexplained.length === 0;
    const catalog = await databaseChecks(databaseUrl, ownerUrl);
    const catalogHeld = catalog.every((c) => c.ok || c.severity === 'warn');
    return {
      startedAt,
      routes,
      staticChecks: findings,
      databaseChecks: catalog,
      held: staticHeld && catalogHeld && routes.every((r) => r.held),
    };
  } finally {
    await owner.onModuleDestroy();
    await app.close();
  }
}

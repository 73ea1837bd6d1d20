import { Controller, Get, Module, Param } from '@nestjs/common';
import { listRoutes } from '../../../src/auth/access/route-inventory.js';
import { SignedIn } from '../../../src/auth/access/access.decorators.js';
import { DatabaseService } from '../../../src/database/database.service.js';
import { applyMigrations } from '../../../src/database/migrations.js';
import { ensureApplicationLogin } from '../../../src/database/roles.js';
import { TenantData } from '../../../src/database/tenant/tenant-data.decorator.js';
import { runIsolationAudit } from '../../../src/isolation-audit/run-audit.js';
import { createScratchDatabase } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';

// A route that forgets the tenant and reads posts through the jobs' role, the one path on
// which row-level security admits every author's rows (the unscoped path no longer leaks:
// test/e2e/isolation/raw-statement.spec.ts).
@TenantData('Post')
@SignedIn()
@Controller('v1/test-only/leaky-posts')
class LeakyPostsController {
  constructor(private readonly database: DatabaseService) {}

  @Get(':id')
  async get(@Param('id') id: string) {
    const post = await this.database.worker('test-only: a deliberate leak', (tx) =>
      tx.post.findFirst({ where: { id }, select: { id: true, title: true, slug: true } }),
    );
    return post ?? { missing: true };
  }
}

@Controller('v1/test-only/undeclared')
class UndeclaredController {
  @Get()
  hello() {
    return { hello: 'world' };
  }
}

@Module({ controllers: [LeakyPostsController] })
class LeakyModule {}

@Module({ controllers: [UndeclaredController] })
class UndeclaredModule {}

async function audit(extra: Parameters<typeof runIsolationAudit>[1] = []) {
  const scratch = await createScratchDatabase();
  try {
    await applyMigrations(scratch.url);
    return await runIsolationAudit(await ensureApplicationLogin(scratch.url), extra, scratch.url);
  } finally {
    await scratch.drop();
  }
}

describe('the isolation audit', () => {
  it('holds on Byline, and its report lists every route that exists', async () => {
    const report = await audit();
    const failures = report.routes.filter((r) => !r.held);
    expect(failures).toEqual([]);
    expect(report.held).toBe(true);

    const app = await startTestApp();
    try {
      const live = listRoutes(app).map((r) => `${r.method} ${r.path}`);
      expect(report.routes.map((r) => `${r.method} ${r.path}`)).toEqual(live);
    } finally {
      await app.close();
    }
    const probes = (path: string, method: string) =>
      report.routes.find((r) => r.path === path && r.method === method)!.probes.map((p) => p.probe);
    expect(probes('/v1/posts/:id', 'PATCH')).toContain('cross-tenant-id');
    expect(probes('/v1/posts', 'GET')).toContain('cross-tenant-list');
    expect(probes('/v1/public/posts', 'GET')).toContain('public-exposure');
    expect(report.staticChecks.tenantTables.every((t) => t.known)).toBe(true);
    expect(report.staticChecks.unscopedPaths.length).toBeGreaterThan(5);
    // The second wall, checked in the catalog and by a raw probe as the application's role.
    expect(report.databaseChecks.filter((c) => !c.ok)).toEqual([]);
    expect(report.databaseChecks.length).toBeGreaterThan(20);
  });

  it('fails on a route that leaks another tenant’s rows, naming the route and the probe', async () => {
    const report = await audit([LeakyModule]);
    expect(report.held).toBe(false);
    const failed = report.routes.filter((r) => !r.held);
    expect(failed.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/test-only/leaky-posts/:id']);
    expect(failed[0].probes.filter((p) => !p.ok).map((p) => p.probe)).toContain('cross-tenant-id');
  });

  it('fails on a new route without a declaration', async () => {
    const report = await audit([UndeclaredModule]);
    expect(report.held).toBe(false);
    const failed = report.routes.filter((r) => !r.held);
    expect(failed).toEqual([
      expect.objectContaining({
        path: '/v1/test-only/undeclared',
        access: 'UNDECLARED',
        probes: [{ probe: 'declared', ok: false, detail: expect.any(String) }],
      }),
    ]);
  });
});

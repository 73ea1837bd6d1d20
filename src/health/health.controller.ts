import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access/access.decorators.js';
import { MigrationStatus } from '../database/migration-status.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { Liveness, Readiness } from './health.schema.js';

@Public()
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly migrations: MigrationStatus) {}

  @Get('live')
  @Operation({ id: 'getLiveness', summary: 'The process runs', status: 200, body: Liveness })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Operation({ id: 'getReadiness', summary: 'PostgreSQL answers and migrations are applied', status: 200, body: Readiness })
  @ApiResponse({ status: 503, description: 'Not ready: the body says which check failed.', schema: Readiness.ref })
  async ready(@Res({ passthrough: true }) res: Response) {
    const { reachable, pendingMigrations } = await this.migrations.check();
    const ok = reachable && pendingMigrations.length === 0;
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ok ? 'ok' : 'unavailable',
      checks: {
        database: reachable ? 'up' : 'down',
        migrations: pendingMigrations.length === 0 ? 'applied' : 'pending',
      },
      ...(reachable && pendingMigrations.length ? { pendingMigrations } : {}),
    };
  }
}

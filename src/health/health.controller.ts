import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access/access.decorators.js';
import { MigrationStatus } from '../database/migration-status.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { Liveness, Readiness } from './health.schema.js';
import { ShutdownState } from '../lifecycle/shutdown-state.js';
import { readiness } from './readiness.js';

@Public()
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly migrations: MigrationStatus,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @Operation({ id: 'getLiveness', summary: 'The process runs', status: 200, body: Liveness })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Operation({ id: 'getReadiness', summary: 'PostgreSQL answers and migrations are applied', status: 200, body: Readiness })
  @ApiResponse({ status: 503, description: 'Not ready: the body says which check failed.', schema: Readiness.ref })
  async ready(@Res({ passthrough: true }) res: Response) {
    // From the moment shutdown begins, without asking the database.
    const report = readiness(this.shutdown.draining ? 'shutting-down' : await this.migrations.check());
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}

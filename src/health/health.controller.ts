import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access/access.decorators.js';
import { MigrationStatus } from '../database/migration-status.js';
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
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    // From the moment shutdown begins, without asking the database.
    const report = readiness(this.shutdown.draining ? 'shutting-down' : await this.migrations.check());
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}

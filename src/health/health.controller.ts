import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/access/access.decorators.js';
import { MigrationStatus } from '../database/migration-status.js';

@Public()
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly migrations: MigrationStatus) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
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

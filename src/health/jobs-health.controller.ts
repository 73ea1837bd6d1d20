import { Controller, Get, Logger } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access/access.decorators.js';
import { DatabaseService } from '../database/database.service.js';
import { jobState } from '../jobs/job-state.js';
import { Operation } from '../http/openapi/operation.decorator.js';
import { JobHealthList } from './health.schema.js';

/** Each job's heartbeat and state; a job three intervals late shows `stale`. */
@Public()
@ApiTags('operations')
@Controller('health/jobs')
export class JobsHealthController {
  private readonly logger = new Logger(JobsHealthController.name);

  constructor(private readonly database: DatabaseService) {}

  @Get()
  @Operation({ id: 'getJobsHealth', summary: 'Each job’s last start, success, failure and state', status: 200, body: JobHealthList })
  async jobs() {
    const db = this.database.unscoped('health: job heartbeats are platform records');
    const [rows, [{ now }]] = await Promise.all([
      db.jobHeartbeat.findMany({ orderBy: { name: 'asc' } }),
      db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`,
    ]);
    const items = rows.map((row) => ({
      name: row.name,
      intervalSeconds: row.intervalSeconds,
      state: jobState(row, now),
      lastStartedAt: row.lastStartedAt?.toISOString() ?? null,
      lastSucceededAt: row.lastSucceededAt?.toISOString() ?? null,
      lastFailedAt: row.lastFailedAt?.toISOString() ?? null,
      lastError: row.lastError,
    }));
    for (const item of items.filter((job) => job.state === 'stale')) {
      this.logger.warn(`job ${item.name} is stale: last started ${item.lastStartedAt}`);
    }
    return { items };
  }
}

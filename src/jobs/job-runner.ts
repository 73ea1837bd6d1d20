import { Injectable, Logger } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';
import type { Job } from './job.js';

/** Runs job ticks: never overlapping in one process, exclusive ones once across instances. */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  private readonly running = new Set<string>();

  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('jobs: heartbeats are platform records');
  }

  async register(job: Job): Promise<void> {
    await this.db.jobHeartbeat.upsert({
      where: { name: job.name },
      create: { name: job.name, intervalSeconds: job.intervalSeconds },
      update: { intervalSeconds: job.intervalSeconds },
    });
  }

  /** One tick; false when skipped (still running here, or another instance holds the lock). */
  async tick(job: Job): Promise<boolean> {
    if (this.running.has(job.name)) return false;
    this.running.add(job.name);
    try {
      const work = () => this.beat(job);
      if (!job.exclusive) {
        await work();
        return true;
      }
      return await this.database.withAdvisoryLock(`byline:job:${job.name}`, work);
    } catch (error) {
      this.logger.error(`job ${job.name} could not run: ${(error as Error).message}`);
      return false;
    } finally {
      this.running.delete(job.name);
    }
  }

  // Heartbeats use the database clock, the one /health/jobs judges them by.
  private async beat(job: Job): Promise<void> {
    await this.db.$executeRaw`UPDATE job_heartbeats SET last_started_at = now() WHERE name = ${job.name}`;
    try {
      await job.run();
      await this.db.$executeRaw`UPDATE job_heartbeats SET last_succeeded_at = now() WHERE name = ${job.name}`;
    } catch (error) {
      const message = (error as Error).message.slice(0, 1000);
      this.logger.error(`job ${job.name} failed: ${message}`);
      await this.db.$executeRaw`
        UPDATE job_heartbeats SET last_failed_at = now(), last_error = ${message} WHERE name = ${job.name}`;
    }
  }
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { PublicationEventsJob } from '../events/publication-events.job.js';
import { WebhookDeliveryJob } from '../webhooks/webhook-delivery.job.js';
import { HousekeepingJob } from './housekeeping.job.js';
import type { Job } from './job.js';
import { JobRunner } from './job-runner.js';

/** Starts each job on its configured interval (JOBS_ENABLED=false starts none). */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobScheduler.name);
  readonly jobs: Job[];

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly runner: JobRunner,
    @Inject(APP_CONFIG) private readonly config: ReadyConfig,
    publication: PublicationEventsJob,
    delivery: WebhookDeliveryJob,
    housekeeping: HousekeepingJob,
  ) {
    this.jobs = [publication, delivery, housekeeping];
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.enabled) return;
    for (const job of this.jobs) {
      await this.runner.register(job);
      const tick = () => void this.runner.tick(job);
      // A first tick at start-up: catch-up after downtime need not wait a whole interval.
      this.registry.addTimeout(`${job.name}:first`, setTimeout(tick, 0));
      this.registry.addInterval(job.name, setInterval(tick, job.intervalSeconds * 1000));
    }
    this.logger.log(`jobs started: ${this.jobs.map((job) => `${job.name} every ${job.intervalSeconds}s`).join(', ')}`);
  }

  /** Shutdown: no further ticks are scheduled. */
  stopAll(): void {
    for (const name of this.registry.getIntervals()) this.registry.deleteInterval(name);
    for (const name of this.registry.getTimeouts()) this.registry.deleteTimeout(name);
  }

  /** Stops one job's ticks (its heartbeat then goes stale). */
  stop(name: string): void {
    this.registry.deleteInterval(name);
  }
}

import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { PublicationEventsJob } from '../events/publication-events.job.js';
import { WebhookDeliveryJob } from '../webhooks/webhook-delivery.job.js';
import { HousekeepingJob } from './housekeeping.job.js';
import { JobRunner } from './job-runner.js';
import { JobScheduler } from './job-scheduler.js';
import { JobsRepository } from './jobs.repository.js';

@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [JobsRepository, JobRunner, JobScheduler, PublicationEventsJob, WebhookDeliveryJob, HousekeepingJob],
  exports: [JobRunner, JobScheduler, PublicationEventsJob, WebhookDeliveryJob, HousekeepingJob],
})
export class JobsModule {}

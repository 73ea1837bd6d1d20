import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { JobsHealthController } from './jobs-health.controller.js';

@Module({ controllers: [HealthController, JobsHealthController] })
export class HealthModule {}

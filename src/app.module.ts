import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AdminModule } from './admin/admin.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import type { ReadyConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { HttpModule } from './http/http.module.js';
import { IdempotencyModule } from './idempotency/idempotency.module.js';
import { PostsModule } from './posts/posts.module.js';
import { PublicReadingModule } from './public-reading/public-reading.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { TagsModule } from './tags/tags.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { ProblemFilter } from './http/problem.filter.js';
import { createValidationPipe } from './http/validation.js';

@Module({})
export class AppModule {
  /** `extra` modules join the application; tests use it to add routes of their own. */
  static forRoot(config: ReadyConfig, extra: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        LifecycleModule,
        HttpModule,
        HealthModule,
        AuditModule,
        AuthModule,
        AdminModule,
        PostsModule,
        TagsModule,
        PublicReadingModule,
        WebhooksModule,
        JobsModule,
        IdempotencyModule,
        RateLimitsModule,
        ...extra,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}

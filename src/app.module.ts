import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import type { ReadyConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { HttpModule } from './http/http.module.js';
import { PostsModule } from './posts/posts.module.js';
import { PublicReadingModule } from './public-reading/public-reading.module.js';
import { TagsModule } from './tags/tags.module.js';
import { ProblemFilter } from './http/problem.filter.js';
import { createValidationPipe } from './http/validation.js';

@Module({})
export class AppModule {
  static forRoot(config: ReadyConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        HttpModule,
        HealthModule,
        AuthModule,
        PostsModule,
        TagsModule,
        PublicReadingModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}

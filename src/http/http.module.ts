import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { CursorCodec } from './cursor.js';
import { QueryPolicyInterceptor } from './query-policy.interceptor.js';

@Global()
@Module({
  providers: [
    { provide: APP_INTERCEPTOR, useClass: QueryPolicyInterceptor },
    {
      provide: CursorCodec,
      useFactory: (config: ReadyConfig) => new CursorCodec(`cursor:${config.session.secret}`),
      inject: [APP_CONFIG],
    },
  ],
  exports: [CursorCodec],
})
export class HttpModule {}

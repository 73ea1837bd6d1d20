import { Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter.service.js';

/** The limiter itself; configureApp installs its middleware after the session. */
@Module({ providers: [RateLimiter], exports: [RateLimiter] })
export class RateLimitsModule {}

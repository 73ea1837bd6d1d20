import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { APP_CONFIG } from '../config/config.module.js';
import type { ReadyConfig } from '../config/config.js';
import { type Budget, type BudgetSettings, quota } from './rate-limit-policy.js';

export interface Spent {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets (at least 1 when refused). */
  resetSeconds: number;
}

const budgets: Budget[] = ['writes', 'reads', 'public'];

/**
 * One fixed-window counter per budget and spender (rate-limiter-flexible). With REDIS_URL
 * the counters live in Redis, so every instance spends from one budget; whenever Redis
 * cannot answer, the library's insurance limiter counts in this process instead, so the
 * limiter never fails a request. Nothing here touches PostgreSQL.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  readonly enabled: boolean;
  readonly settings: BudgetSettings;
  private readonly limiters = new Map<Budget, RateLimiterAbstract>();
  private readonly redis?: Redis;
  private readonly logger = new Logger('RateLimiter');
  private redisUp = true;

  constructor(@Inject(APP_CONFIG) config: ReadyConfig) {
    const { enabled, redisUrl, keyPrefix, ...settings } = config.rateLimits;
    this.enabled = enabled;
    this.settings = settings;
    if (!enabled) return;
    if (redisUrl) this.redis = this.connect(redisUrl);
    for (const budget of budgets) {
      const options = { points: quota(budget, settings), duration: settings.windowSeconds };
      const inProcess = new RateLimiterMemory({ ...options, keyPrefix: `${keyPrefix}:${budget}` });
      this.limiters.set(
        budget,
        this.redis
          ? new RateLimiterRedis({
              ...options,
              storeClient: this.redis,
              keyPrefix: `${keyPrefix}:${budget}`,
              // Not connected: count in this process at once instead of waiting.
              rejectIfRedisNotReady: true,
              insuranceLimiter: inProcess,
            })
          : inProcess,
      );
    }
  }

  /** Spends one request of `budget` for `spender`; null when limits are off. */
  async spend(budget: Budget, spender: string): Promise<Spent | null> {
    const limiter = this.limiters.get(budget);
    if (!limiter) return null;
    try {
      const res = await limiter.consume(spender);
      return { allowed: true, remaining: res.remainingPoints, resetSeconds: Math.ceil(res.msBeforeNext / 1000) };
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        return { allowed: false, remaining: 0, resetSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)) };
      }
      // Neither store answered: a limiter fault never fails the request.
      this.logger.warn(`rate limiter failed, request let through: ${(outcome as Error).message}`);
      return null;
    }
  }

  private connect(url: string): Redis {
    const redis = new Redis(url, {
      // Fail fast while disconnected (the insurance limiter takes over), and never let a
      // slow Redis hold a request for long.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 250,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 250, 5000),
    });
    redis.on('error', (error: Error) => {
      if (!this.redisUp) return;
      this.redisUp = false;
      this.logger.warn(`Redis unreachable (${error.message}): rate limits are counted in this process until it is back`);
    });
    redis.on('ready', () => {
      if (this.redisUp) return;
      this.redisUp = true;
      this.logger.log('Redis reachable again: rate limits are shared again');
    });
    return redis;
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}

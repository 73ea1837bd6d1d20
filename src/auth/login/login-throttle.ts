import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../database/database.service.js';
import { TooManyRequestsProblem } from '../../http/problems.js';
import {
  accountRule,
  addressRule,
  failureWindowSeconds,
  lockSeconds,
  type ThrottleRule,
} from './throttle-policy.js';

/**
 * Failed logins counted in PostgreSQL, per account and per client address, so every
 * instance sees the same counts.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('login throttle: counters keyed by account and address');
  }

  private keys(email: string, ip: string): Array<[string, ThrottleRule]> {
    return [
      [`account:${email}`, accountRule],
      [`address:${ip}`, addressRule],
    ];
  }

  /** Throws 429 with Retry-After while either key is locked. */
  async assertOpen(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip).map(([key]) => key);
    const [row] = await this.db.$queryRaw<{ wait: number | null }[]>`
      SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS wait
      FROM login_throttles WHERE key = ANY(${keys}) AND locked_until > now()`;
    if (row?.wait && row.wait > 0) {
      throw new TooManyRequestsProblem(row.wait, 'Too many failed sign-ins. Try again later.');
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    for (const [key, rule] of this.keys(email, ip)) {
      const [{ failures }] = await this.db.$queryRaw<{ failures: number }[]>`
        INSERT INTO login_throttles AS t (key, failures, last_failure_at)
        VALUES (${key}, 1, now())
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE
            WHEN t.last_failure_at < now() - make_interval(secs => ${failureWindowSeconds})
            THEN 1 ELSE t.failures + 1 END,
          last_failure_at = now()
        RETURNING failures`;
      const seconds = lockSeconds(rule, failures);
      if (seconds > 0) {
        await this.db.$executeRaw`
          UPDATE login_throttles SET locked_until = now() + make_interval(secs => ${seconds})
          WHERE key = ${key}`;
      }
    }
  }

  /** A successful sign-in clears the account's count (not the address's). */
  async recordSuccess(email: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM login_throttles WHERE key = ${`account:${email}`}`;
  }
}

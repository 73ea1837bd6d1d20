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

export interface ThrottleKey {
  key: string;
  rule: ThrottleRule;
}

export const accountKey = (email: string): ThrottleKey => ({ key: `account:${email}`, rule: accountRule });
export const addressKey = (ip: string): ThrottleKey => ({ key: `address:${ip}`, rule: addressRule });

interface KeyRow {
  key: string;
  failures: number;
  stale: boolean;
  wait: number | null;
}

/**
 * Password guesses counted in PostgreSQL, per account and per client address, so every
 * instance sees the same counts. An attempt is reserved (counted as a failure) *before* the
 * password is verified, under row locks on its keys, so a burst of concurrent guesses cannot
 * all pass the check before any of them is counted; a success refunds its reservation.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('login throttle: counters keyed by account and address');
  }

  /** Counts one attempt under every key, or throws 429 with Retry-After while any is locked. */
  async reserve(keys: ThrottleKey[]): Promise<void> {
    // Sorted, so two transactions always lock shared keys in the same order (no deadlock).
    const sorted = [...keys].sort((a, b) => a.key.localeCompare(b.key));
    const names = sorted.map((k) => k.key);
    const wait = await this.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`
          INSERT INTO login_throttles (key, failures, last_failure_at)
          SELECT k, 0, now() FROM unnest(${names}::text[]) AS k ORDER BY k
          ON CONFLICT (key) DO NOTHING`;
        const rows = await tx.$queryRaw<KeyRow[]>`
          SELECT key, failures,
                 last_failure_at < now() - make_interval(secs => ${failureWindowSeconds}) AS stale,
                 CASE WHEN locked_until > now()
                      THEN ceil(extract(epoch FROM locked_until - now()))::int END AS wait
          FROM login_throttles WHERE key = ANY(${names}::text[])
          ORDER BY key FOR UPDATE`;
        const locked = Math.max(0, ...rows.map((row) => row.wait ?? 0));
        if (locked > 0) return locked;
        for (const row of rows) {
          const rule = sorted.find((k) => k.key === row.key)!.rule;
          const failures = row.stale ? 1 : row.failures + 1;
          const seconds = lockSeconds(rule, failures);
          await tx.$executeRaw`
            UPDATE login_throttles SET
              failures = ${failures},
              last_failure_at = now(),
              locked_until = CASE WHEN ${seconds} > 0
                                  THEN now() + make_interval(secs => ${seconds})
                                  ELSE locked_until END
            WHERE key = ${row.key}`;
        }
        return 0;
      },
      // A burst queues on the row locks; waiting is the point, so give it room.
      { maxWait: 15_000, timeout: 15_000 },
    );
    if (wait > 0) throw new TooManyRequestsProblem(wait, 'Too many failed attempts. Try again later.');
  }

  /**
   * The reserved attempt succeeded: the account starts afresh; an address only gets its one
   * reservation back (it may still be spraying other accounts).
   */
  async succeeded(account: ThrottleKey, address?: ThrottleKey): Promise<void> {
    await this.db.$executeRaw`DELETE FROM login_throttles WHERE key = ${account.key}`;
    if (address) {
      await this.db.$executeRaw`
        UPDATE login_throttles SET failures = greatest(failures - 1, 0)
        WHERE key = ${address.key}`;
    }
  }
}

import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../database/database.service.js';
import { TooManyRequestsProblem } from '../../http/problems.js';
import { accountRule, addressRule, failureWindowSeconds, type ThrottleRule } from './throttle-policy.js';

export interface ThrottleKey {
  key: string;
  rule: ThrottleRule;
}

export const accountKey = (email: string): ThrottleKey => ({ key: `account:${email}`, rule: accountRule });
export const addressKey = (ip: string): ThrottleKey => ({ key: `address:${ip}`, rule: addressRule });

/**
 * Password guesses counted in PostgreSQL, per account and per client address, so every
 * instance sees the same counts. An attempt is reserved (counted as a failure) *before* the
 * password is verified, under row locks on its keys, so a burst of concurrent guesses cannot
 * all pass the check before any of them is counted; a success refunds its reservation.
 * The SQL computes the lock as lockSeconds() in throttle-policy.ts does (unit-tested there;
 * login-throttle.spec.ts checks the backoff end to end).
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('login throttle: counters keyed by account and address');
  }

  /** Counts one attempt under every key, or throws 429 with Retry-After while any is locked. */
  async reserve(keys: ThrottleKey[]): Promise<void> {
    // Sorted, so two statements always lock shared keys in the same order (no deadlock).
    const sorted = [...keys].sort((a, b) => a.key.localeCompare(b.key));
    const names = sorted.map((k) => k.key);
    const free = sorted.map((k) => k.rule.free);
    const maxLock = sorted.map((k) => k.rule.maxLockSeconds);
    await this.db.$executeRaw`
      INSERT INTO login_throttles (key, failures, last_failure_at)
      SELECT k, 0, now() FROM unnest(${names}::text[]) AS k ORDER BY k
      ON CONFLICT (key) DO NOTHING`;
    // One statement: lock the rows, decide, and count the attempt only when every key is
    // open. The row locks are held for this statement alone, so a burst is decided in
    // milliseconds, well inside the first lock. The lock length is lockSeconds() in SQL.
    const [{ wait }] = await this.db.$queryRaw<{ wait: number }[]>`
      WITH rules AS (
        SELECT * FROM unnest(${names}::text[], ${free}::int[], ${maxLock}::int[]) AS r(key, free, max_lock)
      ), current AS (
        SELECT t.key, t.locked_until,
               CASE WHEN t.last_failure_at < now() - make_interval(secs => ${failureWindowSeconds})
                    THEN 1 ELSE t.failures + 1 END AS next_failures
        FROM login_throttles t WHERE t.key = ANY(${names}::text[])
        ORDER BY t.key FOR UPDATE
      ), decision AS (
        SELECT coalesce(max(ceil(extract(epoch FROM locked_until - now())))
                          FILTER (WHERE locked_until > now()), 0)::int AS wait
        FROM current
      ), counted AS (
        UPDATE login_throttles t SET
          failures = c.next_failures,
          last_failure_at = now(),
          locked_until = CASE WHEN c.next_failures >= r.free
            THEN now() + make_interval(secs => least(power(2, c.next_failures - r.free), r.max_lock))
            ELSE t.locked_until END
        FROM current c JOIN rules r ON r.key = c.key, decision d
        WHERE t.key = c.key AND d.wait = 0
        RETURNING t.key
      )
      SELECT wait, (SELECT count(*) FROM counted)::int AS counted FROM decision`;
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

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
 * The application cannot read the counters (their keys are the emails and addresses that
 * tried): it calls login_throttle_reserve and login_throttle_refund (migration
 * 20261123120000_login_throttles_behind_functions), whose SQL computes the lock as
 * lockSeconds() in throttle-policy.ts does (unit-tested there; login-throttle.spec.ts checks
 * the backoff end to end).
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('login throttle: counters keyed by account and address');
  }

  /** Counts one attempt under every key, or throws 429 with Retry-After while any is locked. */
  async reserve(keys: ThrottleKey[]): Promise<void> {
    // Sorted, so two calls always lock shared keys in the same order (no deadlock).
    const sorted = [...keys].sort((a, b) => a.key.localeCompare(b.key));
    const [{ wait }] = await this.db.$queryRaw<{ wait: number }[]>`
      SELECT login_throttle_reserve(
        ${sorted.map((k) => k.key)}::text[], ${sorted.map((k) => k.rule.free)}::int[],
        ${sorted.map((k) => k.rule.maxLockSeconds)}::int[], ${failureWindowSeconds}::int) AS wait`;
    if (wait > 0) throw new TooManyRequestsProblem(wait, 'Too many failed attempts. Try again later.');
  }

  /**
   * The reserved attempt succeeded: the account starts afresh; an address only gets its one
   * reservation back (it may still be spraying other accounts).
   */
  async succeeded(account: ThrottleKey, address?: ThrottleKey): Promise<void> {
    await this.db.$executeRaw`SELECT login_throttle_refund(${account.key}, ${address?.key ?? null}::text)`;
  }
}

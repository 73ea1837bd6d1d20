// The brute-force policy, as data and one pure function (documented in the README).
export interface ThrottleRule {
  /** Failures allowed before any lock. */
  free: number;
  /** Longest single lock, in seconds. */
  maxLockSeconds: number;
}

/** Per account: the owner is never locked out for more than a minute at a time. */
export const accountRule: ThrottleRule = { free: 5, maxLockSeconds: 60 };
/** Per client address: one address hammering many accounts backs off up to an hour. */
export const addressRule: ThrottleRule = { free: 20, maxLockSeconds: 3600 };
/** Failures older than this are forgotten. */
export const failureWindowSeconds = 15 * 60;

/** Seconds to lock after the `failures`-th failure in the window: 1, 2, 4, ... capped. */
export function lockSeconds(rule: ThrottleRule, failures: number): number {
  if (failures < rule.free) return 0;
  return Math.min(2 ** (failures - rule.free), rule.maxLockSeconds);
}

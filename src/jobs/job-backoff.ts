/**
 * Seconds to skip ticks after `failures` consecutive ticks found the database unavailable:
 * doubling from one interval, at most a minute (or one interval when that is longer).
 */
export function backoffSeconds(intervalSeconds: number, failures: number): number {
  const cap = Math.max(60, intervalSeconds);
  return Math.min(cap, intervalSeconds * 2 ** Math.max(0, failures - 1));
}

export interface RetryPolicy {
  baseSeconds: number;
  maxSeconds: number;
  maxAttempts: number;
  jitter: 'full' | 'none';
}

/**
 * Seconds to wait after the `attempt`-th failed attempt (1-based): exponential back-off
 * (base, 2×base, 4×base … capped), with full jitter: a uniform draw below that bound, so
 * retries from many deliveries spread out instead of arriving together.
 */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const bound = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (attempt - 1));
  return policy.jitter === 'full' ? random() * bound : bound;
}

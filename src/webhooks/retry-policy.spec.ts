import { retryDelaySeconds } from './retry-policy.js';

const policy = { baseSeconds: 10, maxSeconds: 6 * 3600, maxAttempts: 10, jitter: 'none' as const };

describe('retryDelaySeconds', () => {
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(policy, n))).toEqual([10, 20, 40, 80]);
    expect(retryDelaySeconds(policy, 30)).toBe(6 * 3600);
  });

  it('draws uniformly below the bound with full jitter', () => {
    const full = { ...policy, jitter: 'full' as const };
    expect(retryDelaySeconds(full, 3, () => 0)).toBe(0);
    expect(retryDelaySeconds(full, 3, () => 0.5)).toBe(20);
    expect(retryDelaySeconds(full, 3, () => 0.999)).toBeLessThan(40);
  });
});

import { accountRule, addressRule, lockSeconds } from './throttle-policy.js';

describe('lockSeconds', () => {
  it('allows the free failures, then doubles the lock', () => {
    expect([4, 5, 6, 7, 8].map((n) => lockSeconds(accountRule, n))).toEqual([0, 1, 2, 4, 8]);
  });

  it('never locks an account for more than a minute at a time', () => {
    expect(lockSeconds(accountRule, 11)).toBe(60);
    expect(lockSeconds(accountRule, 500)).toBe(60);
  });

  it('lets an address back off up to an hour', () => {
    expect(lockSeconds(addressRule, 19)).toBe(0);
    expect(lockSeconds(addressRule, 20)).toBe(1);
    expect(lockSeconds(addressRule, 40)).toBe(3600);
  });
});

import { addressBucket, budgetFor, policyHeader, quota, rateLimitHeader, spenderFor } from './rate-limit-policy.js';

const settings = { windowSeconds: 60, writes: 60, reads: 600, publicReads: 1200 };

describe('rate limit policy', () => {
  it('sorts requests into writes, signed-in reads and public reads; health is free', () => {
    expect(budgetFor('POST', '/v1/posts')).toBe('writes');
    expect(budgetFor('DELETE', '/v1/public/x')).toBe('writes');
    expect(budgetFor('GET', '/v1/posts')).toBe('reads');
    expect(budgetFor('HEAD', '/v1/auth/me')).toBe('reads');
    expect(budgetFor('GET', '/v1/public/posts')).toBe('public');
    expect(budgetFor('GET', '/v1/publicity')).toBe('reads');
    expect(budgetFor('GET', '/health/ready')).toBeNull();
    expect(budgetFor('GET', '/V1/Public/posts')).toBe('public');
    expect(budgetFor('GET', '/HEALTH/live')).toBeNull();
  });

  it('gives public reading the most generous quota', () => {
    expect(quota('public', settings)).toBe(1200);
    expect(quota('writes', settings)).toBe(60);
  });

  it('charges the signed-in user, else the address; public reading always the address', () => {
    expect(spenderFor('writes', 'u1', '10.0.0.1')).toBe('user:u1');
    expect(spenderFor('reads', undefined, '10.0.0.1')).toBe('addr:10.0.0.1');
    expect(spenderFor('public', 'u1', '10.0.0.1')).toBe('addr:10.0.0.1');
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe(addressBucket('2001:db8:1:2:bbbb::9'));
    expect(addressBucket('2001:db8:1:2::1')).not.toBe(addressBucket('2001:db8:1:3::1'));
    expect(addressBucket('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('writes the IETF draft header fields', () => {
    expect(policyHeader('writes', settings)).toBe('"writes";q=60;w=60');
    expect(rateLimitHeader('reads', 12, 31)).toBe('"reads";r=12;t=31');
    expect(rateLimitHeader('reads', -3, 0)).toBe('"reads";r=0;t=0');
  });
});

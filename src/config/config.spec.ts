import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      databaseUrl: undefined,
      trustProxy: false,
      session: { idleSeconds: 1800, absoluteSeconds: 43200 },
    });
  });

  it('names each bad setting', () => {
    expect(() => loadConfig({ PORT: 'eighty', SESSION_IDLE_SECONDS: '-5' })).toThrow(
      /PORT[\s\S]*SESSION_IDLE_SECONDS|SESSION_IDLE_SECONDS[\s\S]*PORT/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
  });

  it('refuses TRUST_PROXY=true in production and asks for a hop count or addresses', () => {
    const base = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://db/byline',
      SESSION_SECRET: 'q8Jf2vL0sW9eR4tY7uI1oP3aS6dF5gH0',
    };
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY[\s\S]*number of proxies/);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toBe('10.0.0.0/8');
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('refuses to run production with a missing or weak session secret', () => {
    const base = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/byline' };
    expect(() => loadConfig(base)).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'changeme' })).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'x'.repeat(40) })).toThrow(/SESSION_SECRET/);
    const secret = 'q8Jf2vL0sW9eR4tY7uI1oP3aS6dF5gH0';
    expect(loadConfig({ ...base, SESSION_SECRET: secret }).session.secret).toBe(secret);
  });

  it('reads the rate limits: on, in process, with documented budgets', () => {
    expect(loadConfig({}).rateLimits).toEqual({
      enabled: true,
      redisUrl: undefined,
      keyPrefix: 'byline:rl',
      windowSeconds: 60,
      writes: 60,
      reads: 600,
      publicReads: 1200,
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379' }).rateLimits.redisUrl).toBe('redis://cache:6379');
    expect(() => loadConfig({ REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ RATE_LIMIT_WRITES: '0' })).toThrow(/RATE_LIMIT_WRITES/);
  });

  it('refuses production without DATABASE_URL', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'q8Jf2vL0sW9eR4tY7uI1oP3aS6dF5gH0' }),
    ).toThrow(/DATABASE_URL/);
  });

  it('reads TRUST_PROXY as express expects it', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
  });
});

import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { useTestApp } from '../../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('login throttling', () => {
  const testApp = useTestApp();

  async function attacker() {
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    return client;
  }

  it('answers 429 with Retry-After once an account has failed five times', async () => {
    const { input } = await signUp(testApp.server);
    const client = await attacker();
    for (let i = 0; i < 5; i++) {
      await client.post('/v1/auth/login', { email: input.email, password: `guess-number-${i}` }).expect(401);
    }
    const locked = await client.post('/v1/auth/login', { email: input.email, password: input.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(locked.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('locks the account from every address, briefly, and lets the owner in afterwards', async () => {
    const { input } = await signUp(testApp.server);
    const elsewhere = await attacker();
    for (let i = 0; i < 5; i++) {
      await elsewhere.post('/v1/auth/login', { email: input.email, password: `guess-number-${i}` }).expect(401);
    }
    const owner = await attacker();
    const refused = await owner.post('/v1/auth/login', { email: input.email, password: input.password });
    expect(refused.status).toBe(429);
    await sleep(Number(refused.headers['retry-after']) * 1000 + 100);
    await owner.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
  });

  it('backs off longer on repeated failure', async () => {
    const { input } = await signUp(testApp.server);
    const client = await attacker();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await client.post('/v1/auth/login', { email: input.email, password: `guess-${i}-xx` });
      if (res.status === 429) {
        waits.push(Number(res.headers['retry-after']));
        await sleep(Number(res.headers['retry-after']) * 1000 + 50);
        await client.post('/v1/auth/login', { email: input.email, password: `guess-${i}-yy` }).expect(401);
      }
    }
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[waits.length - 1]).toBeGreaterThan(waits[0]);
  });

  it('counts failures per client address across accounts', async () => {
    const client = await attacker();
    for (let i = 0; i < 20; i++) {
      await client
        .post('/v1/auth/login', { email: `spray-${i}-${client.address}@example.com`, password: 'spray-password-1' })
        .expect(401);
    }
    const res = await client.post('/v1/auth/login', { email: `one-more-${client.address}@example.com`, password: 'spray-password-1' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  });
});

import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { query } from '../../support/databases.js';
import { useTestApp } from '../../support/test-app.js';

// An account's lock is capped at a minute and its failures are forgotten only after fifteen
// idle minutes, so a patient attacker (one guess a minute, from addresses it rotates) keeps
// counting its failures up. lockSeconds() in TypeScript caps 2^(failures - free) at a minute
// whatever it is; login_throttle_reserve computed power(2, failures - free) in float8 first,
// which overflows past 2^1023: every sign-in to the account, the owner's right password
// included, then answered 500, and no longer counted anything.
describe('an account besieged for a day', () => {
  const testApp = useTestApp();

  /** From a fresh address each time, as the attacker rotates them (the status, whatever it is). */
  async function signIn(body: { email: string; password: string }) {
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    return client.post('/v1/auth/login', body).ok(() => true);
  }

  it('still answers sign-ins after more than a thousand counted failures (no float overflow)', async () => {
    const owner = await signUp(testApp.server);
    const key = `account:${owner.input.email}`;
    // About 17 hours of one wrong guess a minute: as the counter would stand.
    await query(
      inject('databaseUrl'),
      `INSERT INTO login_throttles (key, failures, last_failure_at, locked_until)
       VALUES ($1, 1100, now() - interval '1 second', now() - interval '1 second')
       ON CONFLICT (key) DO UPDATE SET failures = 1100, last_failure_at = excluded.last_failure_at,
         locked_until = excluded.locked_until`,
      [key],
    );

    const res = await signIn({ email: owner.input.email, password: owner.input.password });
    expect(res.status).toBe(200);

    const wrong = await signIn({ email: owner.input.email, password: 'not-the-password-at-all' });
    expect(wrong.status).toBe(401);
  });

  it('a wrong guess after a long siege is counted and locks the account for the capped minute', async () => {
    const owner = await signUp(testApp.server);
    const key = `account:${owner.input.email}`;
    await query(
      inject('databaseUrl'),
      `INSERT INTO login_throttles (key, failures, last_failure_at, locked_until)
       VALUES ($1, 5000, now() - interval '1 second', now() - interval '1 second')`,
      [key],
    );
    const wrong = await signIn({ email: owner.input.email, password: 'not-the-password-at-all' });
    expect(wrong.status).toBe(401);
    const [row] = await query<{ failures: number; lock: number }>(
      inject('databaseUrl'),
      `SELECT failures, round(extract(epoch FROM locked_until - now()))::int AS lock FROM login_throttles WHERE key = $1`,
      [key],
    );
    expect(row.failures).toBe(5001);
    expect(row.lock).toBeGreaterThan(55);
    expect(row.lock).toBeLessThanOrEqual(60);
  });
});

import type { Server } from 'node:http';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { query } from '../../support/databases.js';
import { useTestApp } from '../../support/test-app.js';

// The session store goes through SECURITY DEFINER functions by sid (the application cannot
// reach other users' session rows): concurrent sign-ins and sign-outs of one account, and a
// sign-in while another account's session is on the request, must still behave.

async function login(server: Server, input: { email: string; password: string }, client = new ApiClient(server)) {
  await client.refreshToken();
  await client.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
  await client.refreshToken();
  return client;
}

const sessionsOf = async (userId: string) =>
  (await query<{ n: number }>(inject('databaseUrl'), 'SELECT count(*)::int AS n FROM "session" WHERE user_id = $1', [userId]))[0].n;

describe('sessions through the store’s functions', () => {
  const testApp = useTestApp();

  it('four concurrent sign-ins each get a working session; four concurrent sign-outs end them all', async () => {
    const { client: first, input, user } = await signUp(testApp.server);
    // Four: the account's throttle counts concurrent attempts before any succeeds (five free).
    const clients = await Promise.all(Array.from({ length: 4 }, () => login(testApp.server, input)));
    expect(await sessionsOf(user.id)).toBe(5);
    const me = await Promise.all(clients.map((c) => c.get('/v1/auth/me')));
    expect(me.map((r) => [r.status, r.body.user?.id])).toEqual(clients.map(() => [200, user.id]));
    const listed = await first.get('/v1/auth/sessions').expect(200);
    expect(listed.body.items).toHaveLength(5);

    const out = await Promise.all(clients.map((c) => c.post('/v1/auth/logout')));
    expect(out.map((r) => r.status)).toEqual(clients.map(() => 204));
    expect(await sessionsOf(user.id)).toBe(1);
    await first.get('/v1/auth/me').expect(200);
  });

  it('signs in as B on a request that carries A’s session: a new session of B’s, A’s untouched', async () => {
    const a = await signUp(testApp.server);
    const b = await signUp(testApp.server);
    const before = a.client.cookie;
    // A's client (with A's session cookie) signs in as B.
    await a.client.post('/v1/auth/login', { email: b.input.email, password: b.input.password }).expect(200);
    await a.client.refreshToken();
    const me = await a.client.get('/v1/auth/me').expect(200);
    expect(me.body.user.id).toBe(b.user.id);
    expect(a.client.cookie).not.toBe(before);
    expect(await sessionsOf(b.user.id)).toBe(2);
    // The audit entries of that sign-in are B's (as itself), not A's.
    const [entry] = await query<{ actor_id: string }>(
      inject('databaseUrl'),
      `SELECT actor_id FROM audit_events WHERE action = 'auth.login_succeeded' AND target_id = $1 ORDER BY at DESC LIMIT 1`,
      [b.user.id],
    );
    expect(entry.actor_id).toBe(b.user.id);
  });

  it('a session ended while its requests are in flight stays ended', async () => {
    const { client, input, user } = await signUp(testApp.server);
    const other = await login(testApp.server, input);
    // Requests on `other` race the end of every other session of the account.
    const inFlight = Array.from({ length: 10 }, () => other.get('/v1/auth/me'));
    await client.post('/v1/auth/sessions/revoke-others').expect((res) => expect([200, 204]).toContain(res.status));
    await Promise.all(inFlight);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await sessionsOf(user.id)).toBe(1);
    expect((await other.get('/v1/auth/me')).status).toBe(401);
  });
});

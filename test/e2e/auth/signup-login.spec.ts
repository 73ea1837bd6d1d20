import { inject } from 'vitest';
import { signUp, strongPassword, userInput } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { query } from '../../support/databases.js';
import { useTestApp } from '../../support/test-app.js';

describe('signup, login, logout', () => {
  const testApp = useTestApp();

  it('signs up, signs in on a new session id, and sets a safe cookie', async () => {
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    const anonymousCookie = client.cookie;
    const input = userInput();
    const res = await client.post('/v1/auth/signup', input);
    expect(res.status).toBe(201);
    expect(res.body.user).toEqual({
      id: expect.any(String),
      email: input.email,
      handle: input.handle,
      displayName: input.displayName,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
    const setCookie = res.headers['set-cookie'][0];
    expect(setCookie).toMatch(/^byline\.sid=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(client.cookie).not.toBe(anonymousCookie);
    await client.get('/v1/auth/me').expect(200);

    const [row] = await query<{ password_hash: string }>(
      inject('databaseUrl'),
      'SELECT password_hash FROM users WHERE id = $1',
      [res.body.user.id],
    );
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a taken email (in any case) or handle with 409', async () => {
    const { input } = await signUp(testApp.server);
    const other = new ApiClient(testApp.server);
    await other.refreshToken();
    const sameEmail = userInput({ email: input.email.toUpperCase() });
    expect((await other.post('/v1/auth/signup', sameEmail)).status).toBe(409);
    const sameHandle = userInput({ handle: input.handle });
    expect((await other.post('/v1/auth/signup', sameHandle)).status).toBe(409);
  });

  it('refuses short, long and common passwords and unknown fields, listing the fields', async () => {
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    for (const password of ['short-pass', 'x'.repeat(257), 'leavemealone']) {
      const res = await client.post('/v1/auth/signup', userInput({ password }));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([{ field: 'password', message: expect.any(String) }]);
    }
    const extra = await client.post('/v1/auth/signup', { ...userInput(), isAdmin: true });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toContainEqual({ field: 'isAdmin', message: expect.any(String) });
  });

  it('logs in with any case of the email, on a new session id; the old cookie is dead', async () => {
    const { input } = await signUp(testApp.server);
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    const before = client.cookie;
    const res = await client.post('/v1/auth/login', {
      email: input.email.toUpperCase(),
      password: strongPassword,
    });
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(input.email);
    expect(client.cookie).not.toBe(before);

    const stale = new ApiClient(testApp.server);
    stale.cookie = before;
    expect((await stale.get('/v1/auth/me')).status).toBe(401);
    expect((await client.get('/v1/auth/me')).status).toBe(200);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const { input } = await signUp(testApp.server);
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    const wrong = await client.post('/v1/auth/login', { email: input.email, password: 'not-the-password-1' });
    const unknown = await client.post('/v1/auth/login', {
      email: `nobody-${input.handle}@example.com`,
      password: 'not-the-password-1',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const { requestId: _a, ...wrongBody } = wrong.body;
    const { requestId: _b, ...unknownBody } = unknown.body;
    expect(unknownBody).toEqual(wrongBody);
  });

  it('spends about as long on an unknown email as on a wrong password', async () => {
    const { input } = await signUp(testApp.server);
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    const timed = async (email: string) => {
      const start = performance.now();
      await client.post('/v1/auth/login', { email, password: 'not-the-password-2' }).expect(401);
      return performance.now() - start;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[1];
    const wrong = median([await timed(input.email), await timed(input.email), await timed(input.email)]);
    const unknownEmail = `ghost-${input.handle}@example.com`;
    const unknown = median([await timed(unknownEmail), await timed(unknownEmail), await timed(unknownEmail)]);
    // Without the dummy Argon2 run the unknown path is over ten times faster.
    expect(unknown / wrong).toBeGreaterThan(0.4);
  });

  it('logs out: 204, the session row is gone, the cookie no longer works', async () => {
    const { client } = await signUp(testApp.server);
    const cookie = client.cookie;
    const sid = decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];
    await client.post('/v1/auth/logout').expect(204);
    const rows = await query(inject('databaseUrl'), 'SELECT 1 FROM "session" WHERE sid = $1', [sid]);
    expect(rows).toHaveLength(0);
    const replay = new ApiClient(testApp.server);
    replay.cookie = cookie;
    expect((await replay.get('/v1/auth/me')).status).toBe(401);
  });

  it('refuses the session of a disabled account on its next request', async () => {
    const { client, user } = await signUp(testApp.server);
    await client.get('/v1/auth/me').expect(200);
    await query(inject('databaseUrl'), 'UPDATE users SET disabled_at = now() WHERE id = $1', [user.id]);
    expect((await client.get('/v1/auth/me')).status).toBe(401);
  });
});

import { inject } from 'vitest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function storedSession(userId: string) {
  const [row] = await query<{ sess: { lastSeenAt: number } }>(
    inject('databaseUrl'),
    'SELECT sess FROM "session" WHERE user_id = $1',
    [userId],
  );
  return row.sess;
}

describe('public reading with a signed-in reader', () => {
  let app: NestExpressApplication;
  let server: Server;
  // A 4 s idle timeout makes the touch interval one second.
  beforeAll(async () => {
    app = await startTestApp({ SESSION_IDLE_SECONDS: '4', SESSION_ABSOLUTE_SECONDS: '60' });
    server = app.getHttpServer();
  });
  afterAll(() => app.close());

  it('never writes the session nor sends Set-Cookie, even past the touch interval', async () => {
    const { client, user } = await signUp(server);
    const author = await signUp(server);
    const before = await storedSession(user.id);
    await sleep(1200);
    for (const path of [
      '/v1/public/posts',
      `/v1/public/authors/${author.user.handle}/posts`,
      `/v1/public/authors/${author.user.handle}/posts/no-such-post`,
    ]) {
      const res = await client.get(path);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect((await storedSession(user.id)).lastSeenAt).toBe(before.lastSeenAt);
  });

  it('marks every response that does set a cookie private and no-store', async () => {
    const { client, user } = await signUp(server);
    const before = await storedSession(user.id);
    await sleep(1200);
    const touched = await client.get('/v1/auth/me').expect(200);
    expect(touched.headers['set-cookie']).toBeDefined();
    expect(touched.headers['cache-control']).toBe('private, no-store');
    expect((await storedSession(user.id)).lastSeenAt).toBeGreaterThan(before.lastSeenAt);
    const fresh = await signUp(server);
    const login = await fresh.client.post('/v1/auth/logout').expect(204);
    expect(login.headers['cache-control']).toBe('private, no-store');
  });
});

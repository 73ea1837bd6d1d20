import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { query } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sidOf(cookie: string): string {
  return decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];
}

describe('session lifetime', () => {
  it('expires after the idle timeout, server-side', async () => {
    const app = await startTestApp({ SESSION_IDLE_SECONDS: '2', SESSION_ABSOLUTE_SECONDS: '60' });
    try {
      const { client } = await signUp(app.getHttpServer());
      await client.get('/v1/auth/me').expect(200);
      await sleep(2100);
      expect((await client.get('/v1/auth/me')).status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('expires at the absolute lifetime however active the session is', async () => {
    const app = await startTestApp({ SESSION_IDLE_SECONDS: '2', SESSION_ABSOLUTE_SECONDS: '3' });
    try {
      const { client } = await signUp(app.getHttpServer());
      const started = Date.now();
      while (Date.now() - started < 2800) {
        await client.get('/v1/auth/me').expect(200);
        await sleep(400);
      }
      await sleep(Math.max(0, 3100 - (Date.now() - started)));
      expect((await client.get('/v1/auth/me')).status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('does not rewrite a session that was touched less than a minute ago', async () => {
    const app = await startTestApp();
    try {
      const { client } = await signUp(app.getHttpServer());
      const rowOf = async () =>
        (
          await query<{ sess: object; expire: Date }>(
            inject('databaseUrl'),
            'SELECT sess, expire FROM "session" WHERE sid = $1',
            [sidOf(client.cookie)],
          )
        )[0];
      const before = await rowOf();
      for (let i = 0; i < 3; i++) {
        const res = await client.get('/v1/auth/me').expect(200);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      expect(await rowOf()).toEqual(before);
    } finally {
      await app.close();
    }
  });

  it('lives in PostgreSQL: survives a restart and is shared by two instances', async () => {
    const first = await startTestApp();
    const second = await startTestApp();
    await second.listen(0, '127.0.0.1');
    const secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
    try {
      const { client } = await signUp(first.getHttpServer());
      await first.close();

      const elsewhere = new ApiClient(secondUrl);
      elsewhere.cookie = client.cookie;
      const me = await elsewhere.get('/v1/auth/me').expect(200);
      expect(me.body.user.id).toEqual(expect.any(String));

      const restarted = await startTestApp();
      try {
        const again = new ApiClient(restarted.getHttpServer());
        again.cookie = client.cookie;
        await again.get('/v1/auth/me').expect(200);
      } finally {
        await restarted.close();
      }
    } finally {
      await second.close();
    }
  });
});

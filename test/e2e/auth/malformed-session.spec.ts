import { Logger } from '@nestjs/common';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { useTestApp } from '../../support/test-app.js';

describe('a malformed stored session', () => {
  const testApp = useTestApp();

  it.each([
    ['no cookie', (userId: string) => ({ passport: { user: userId } })],
    ['a cookie that is not an object', (userId: string) => ({ cookie: 'x', passport: { user: userId } })],
    ['a string', () => 'garbage'],
    ['an array', () => []],
  ])('(%s) reads as no session: 401, logged once, the row deleted', async (_label, malformed) => {
    const { client, user } = await signUp(testApp.server);
    const url = inject('databaseUrl');
    const [{ sid }] = await query<{ sid: string }>(url, 'SELECT sid FROM "session" WHERE user_id = $1', [user.id]);
    await query(url, 'UPDATE "session" SET sess = $2::json WHERE sid = $1', [sid, JSON.stringify(malformed(user.id))]);
    const warn = vi.spyOn(Logger.prototype, 'warn');
    try {
      const first = await client.get('/v1/auth/me');
      expect(first.status).toBe(401);
      expect(first.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await client.get('/v1/auth/me')).status).toBe(401);
      const logged = warn.mock.calls.filter(([message]) => String(message).includes('stored session is malformed'));
      expect(logged).toHaveLength(1);
      expect(await query(url, 'SELECT 1 FROM "session" WHERE sid = $1', [sid])).toHaveLength(0);
    } finally {
      warn.mockRestore();
    }
  });
});

// Routes match whatever the case of the path (Express's default), so the budget a request
// spends must not depend on it either: `/V1/PUBLIC/posts` is public reading.
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { useTestApp } from '../../support/test-app.js';

describe('rate limits and the case of the path', () => {
  const t = useTestApp({ RATE_LIMIT_PUBLIC_READS: '2', RATE_LIMIT_READS: '100' });

  it('a spent public budget is not bypassed by writing the path in capitals', async () => {
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const get = (path: string) => request(t.server).get(path).set('X-Forwarded-For', address);
    expect((await get('/v1/public/posts')).status).toBe(200);
    expect((await get('/v1/public/posts')).status).toBe(200);
    expect((await get('/v1/public/posts')).status).toBe(429);
    for (const path of ['/V1/PUBLIC/posts', '/v1/Public/Posts']) {
      const res = await get(path);
      expect(res.status).toBe(429);
      expect(res.headers['ratelimit']).toMatch(/^"public";r=0;t=\d+$/);
    }
  });
});

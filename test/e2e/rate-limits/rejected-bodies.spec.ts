// A request the body parser refuses (malformed JSON, or not JSON at all) still spends its
// budget: otherwise one address could send megabyte bodies to be parsed without end.
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { useTestApp } from '../../support/test-app.js';

describe('rate limits and refused bodies', () => {
  const t = useTestApp({ RATE_LIMIT_WRITES: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });

  it.each([
    ['malformed JSON', 'application/json', '{"email": "a@example.com", '],
    ['a body that is not JSON', 'text/plain', 'hello'],
  ])('%s is counted and limited like any write', async (_label, type, body) => {
    const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(t.server)
        .post('/v1/auth/login')
        .set('X-Forwarded-For', address)
        .set('Content-Type', type)
        .send(body);
      statuses.push(res.status);
      if (res.status !== 429) expect(res.headers['ratelimit']).toMatch(/^"writes";r=\d+;t=\d+$/);
      else {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    }
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});

// Node joins a repeated header into one "a, b"; a request that carries two Idempotency-Keys
// names no single key and is refused, rather than run under a key nobody sent.
import request from 'supertest';
import { signUp } from '../../factories/user.factory.js';
import { useTestApp } from '../../support/test-app.js';

describe('Idempotency-Key sent twice', () => {
  const t = useTestApp();

  it('is 400 and changes nothing', async () => {
    const { client } = await signUp(t.server);
    const res = await request(t.server)
      .post('/v1/tags')
      .set('Cookie', client.cookie)
      .set('X-CSRF-Token', client.token)
      .set('X-Forwarded-For', client.address)
      // Two header lines (superagent's types admit arrays for Cookie only).
      .set('Idempotency-Key', ['first', 'second'] as unknown as string)
      .send({ name: 'twice' });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('urn:byline:problem:invalid-idempotency-key');
    const tags = await client.get('/v1/tags').expect(200);
    expect(tags.body.items).toEqual([]);
  });
});

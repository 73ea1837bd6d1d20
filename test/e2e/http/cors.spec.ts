import request from 'supertest';
import { strongPassword, userInput } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { useTestApp } from '../../support/test-app.js';

const frontend = 'http://app.localhost:5173';

describe('CORS for a frontend on its own origin (CORS_ORIGINS)', () => {
  const handle = useTestApp({ CORS_ORIGINS: `${frontend}, https://admin.example.com` });

  it('answers the preflight of an allowed origin, with credentials and the CSRF header', async () => {
    const res = await request(handle.server)
      .options('/v1/posts')
      .set('Origin', frontend)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-csrf-token,idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(frontend);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-headers']).toMatch(/X-CSRF-Token/);
    expect(res.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
  });

  it('lets an allowed origin sign up with its token and read what it needs', async () => {
    const client = new ApiClient(handle.server);
    const csrf = await client.get('/v1/auth/csrf').set('Origin', frontend).expect(200);
    expect(csrf.headers['access-control-allow-origin']).toBe(frontend);
    await client.refreshToken();
    const res = await client
      .post('/v1/auth/signup', userInput())
      .set('Origin', frontend)
      .set('Sec-Fetch-Site', 'same-site')
      .expect(201);
    expect(res.headers['access-control-allow-origin']).toBe(frontend);
    expect(res.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
    expect(res.headers['access-control-expose-headers']).toMatch(/ETag/);
  });

  it('gives any other origin no CORS headers and refuses its writes even with a token', async () => {
    const client = new ApiClient(handle.server);
    await client.refreshToken();
    const res = await client
      .post('/v1/auth/login', { email: 'someone@example.com', password: strongPassword })
      .set('Origin', 'https://evil.example')
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.body.type).toBe('urn:byline:problem:csrf');
  });
});

describe('CORS when CORS_ORIGINS is empty (the default: same-origin deployments)', () => {
  const handle = useTestApp();

  it('sends no CORS headers, so no other origin can read answers', async () => {
    const res = await new ApiClient(handle.server).get('/v1/auth/csrf').set('Origin', frontend).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(handle.server)
      .options('/v1/posts')
      .set('Origin', frontend)
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a cross-origin write even with a valid token', async () => {
    const client = new ApiClient(handle.server);
    await client.refreshToken();
    await client.post('/v1/auth/signup', userInput()).set('Origin', frontend).expect(403);
  });
});

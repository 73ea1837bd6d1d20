import { signUp, userInput } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { useTestApp } from '../../support/test-app.js';

describe('CSRF', () => {
  const testApp = useTestApp();

  it('refuses signup and login without a token, with 403', async () => {
    const client = new ApiClient(testApp.server);
    const signup = await client.post('/v1/auth/signup', userInput());
    expect(signup.status).toBe(403);
    expect(signup.headers['content-type']).toMatch(/application\/problem\+json/);
    const login = await client.post('/v1/auth/login', { email: 'a@example.com', password: 'x' });
    expect(login.status).toBe(403);
  });

  it('refuses a wrong token and another session’s token', async () => {
    const { client } = await signUp(testApp.server);
    const other = await signUp(testApp.server);
    const mine = client.token;
    client.token = 'not-the-token';
    expect((await client.post('/v1/auth/sessions/revoke-others')).status).toBe(403);
    client.token = other.client.token;
    expect((await client.post('/v1/auth/sessions/revoke-others')).status).toBe(403);
    client.token = mine;
    expect((await client.post('/v1/auth/sessions/revoke-others')).status).toBe(204);
  });

  it('refuses a browser request marked cross-site even with the right token', async () => {
    const { client } = await signUp(testApp.server);
    const crossSite = await client
      .post('/v1/auth/sessions/revoke-others')
      .set('Sec-Fetch-Site', 'cross-site')
      .set('Origin', 'https://evil.example');
    expect(crossSite.status).toBe(403);
    const foreignOrigin = await client
      .post('/v1/auth/sessions/revoke-others')
      .set('Origin', 'https://evil.example');
    expect(foreignOrigin.status).toBe(403);
    const sameOrigin = await client
      .post('/v1/auth/sessions/revoke-others')
      .set('Sec-Fetch-Site', 'same-origin');
    expect(sameOrigin.status).toBe(204);
  });

  it('needs a fresh token after login: the pre-login token belonged to the old session', async () => {
    const { input } = await signUp(testApp.server);
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    await client.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
    expect((await client.post('/v1/auth/sessions/revoke-others')).status).toBe(403);
    await client.refreshToken();
    expect((await client.post('/v1/auth/sessions/revoke-others')).status).toBe(204);
  });
});

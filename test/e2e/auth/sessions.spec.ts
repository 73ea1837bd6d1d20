import type { Server } from 'node:http';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { useTestApp } from '../../support/test-app.js';

async function secondLogin(server: Server, input: { email: string; password: string }) {
  const client = new ApiClient(server);
  await client.refreshToken();
  await client.post('/v1/auth/login', { email: input.email, password: input.password }).expect(200);
  await client.refreshToken();
  return client;
}

describe('my sessions', () => {
  const testApp = useTestApp();

  it('lists my sessions with opaque ids, marking the current one', async () => {
    const { client, input } = await signUp(testApp.server);
    await secondLogin(testApp.server, input);
    const res = await client.get('/v1/auth/sessions').expect(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    for (const item of res.body.items) {
      expect(item).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        current: expect.any(Boolean),
        createdAt: expect.any(String),
        lastSeenAt: expect.any(String),
        userAgent: expect.any(String),
        ip: expect.stringMatching(/^10\./),
      });
      expect(client.cookie).not.toContain(item.id);
    }
  });

  it('ends one session by id; another user’s id is 404', async () => {
    const { client, input } = await signUp(testApp.server);
    const laptop = await secondLogin(testApp.server, input);
    const stranger = await signUp(testApp.server);
    const items = (await client.get('/v1/auth/sessions')).body.items;
    const laptopId = items.find((s: { current: boolean }) => !s.current).id;

    expect((await stranger.client.delete(`/v1/auth/sessions/${laptopId}`)).status).toBe(404);
    await laptop.get('/v1/auth/me').expect(200);

    await client.delete(`/v1/auth/sessions/${laptopId}`).expect(204);
    expect((await laptop.get('/v1/auth/me')).status).toBe(401);
    await client.get('/v1/auth/me').expect(200);
  });

  it('revokes every other session', async () => {
    const { client, input } = await signUp(testApp.server);
    const phone = await secondLogin(testApp.server, input);
    const laptop = await secondLogin(testApp.server, input);
    await client.post('/v1/auth/sessions/revoke-others').expect(204);
    expect((await phone.get('/v1/auth/me')).status).toBe(401);
    expect((await laptop.get('/v1/auth/me')).status).toBe(401);
    await client.get('/v1/auth/me').expect(200);
  });

  it('changes the password and ends every other session', async () => {
    const { client, input } = await signUp(testApp.server);
    const phone = await secondLogin(testApp.server, input);
    const wrong = await client.post('/v1/auth/password', {
      currentPassword: 'not-my-password-9',
      newPassword: 'meadow-lantern-quartz-5',
    });
    expect(wrong.status).toBe(401);
    const weak = await client.post('/v1/auth/password', {
      currentPassword: input.password,
      newPassword: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].field).toBe('newPassword');

    await client
      .post('/v1/auth/password', {
        currentPassword: input.password,
        newPassword: 'meadow-lantern-quartz-5',
      })
      .expect(204);
    expect((await phone.get('/v1/auth/me')).status).toBe(401);
    await client.get('/v1/auth/me').expect(200);

    const fresh = new ApiClient(testApp.server);
    await fresh.refreshToken();
    expect((await fresh.post('/v1/auth/login', { email: input.email, password: input.password })).status).toBe(401);
    await fresh
      .post('/v1/auth/login', { email: input.email, password: 'meadow-lantern-quartz-5' })
      .expect(200);
  });
});

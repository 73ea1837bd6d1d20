import request from 'supertest';
import { SessionStore } from '../../../src/auth/session/session-store.js';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { useTestApp } from '../../support/test-app.js';

// passport's logIn saves the new session; when that save fails (a connection blip, a lock
// wait running out), the sign-in answers an error and the confirmation never runs. But
// express-session still holds the modified new session: it sent its cookie with the error
// and saved it again when the response ended, so the "failed" sign-in left a working,
// unconfirmed session (one that could outlive a password change that raced it).
describe('a sign-in whose session save fails', () => {
  const testApp = useTestApp();

  it('answers an error with no session cookie, and no session works afterwards', async () => {
    const owner = await signUp(testApp.server);
    const client = new ApiClient(testApp.server);
    await client.refreshToken();

    const original = SessionStore.prototype.set;
    let failed = false;
    const spy = vi.spyOn(SessionStore.prototype, 'set').mockImplementation(function (this: SessionStore, sid, sess, cb) {
      if (!failed && (sess as { passport?: unknown }).passport) {
        failed = true;
        cb?.(Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' }));
        return;
      }
      original.call(this, sid, sess, cb);
    });
    let res: request.Response;
    try {
      res = await request(testApp.server)
        .post('/v1/auth/login')
        .set('X-Forwarded-For', client.address)
        .set('Cookie', client.cookie)
        .set('X-CSRF-Token', client.token)
        .send({ email: owner.input.email, password: owner.input.password });
    } finally {
      spy.mockRestore();
    }
    expect(failed).toBe(true);
    expect(res.status).toBeGreaterThanOrEqual(500);
    const setCookie = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    const pair = setCookie.find((line) => line.startsWith('byline.sid='))?.split(';')[0];
    // Whatever cookie came back (if any), it must not be signed in.
    if (pair && pair !== 'byline.sid=') {
      const me = await request(testApp.server).get('/v1/auth/me').set('X-Forwarded-For', client.address).set('Cookie', pair);
      expect(me.status).toBe(401);
    }
    expect(pair === undefined || pair === 'byline.sid=' || /Expires=Thu, 01 Jan 1970/.test(setCookie.join())).toBe(true);
  });
});

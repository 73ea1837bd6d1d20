import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { PasswordHasher } from '../../../src/auth/passwords/password-hasher.js';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { grantDirectly } from '../../support/roles.js';
import { connect, query } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';
import { inject } from 'vitest';

/**
 * A sign-in verifies the password it was given against the hash it read, then writes its
 * session. Whoever knows a password that is being replaced (the reason to replace it) must
 * not come out of that window holding a session that outlives the change: the change ends
 * every other session, and a session written after that must not be one more.
 */
describe('a sign-in in flight while its password changes or its account is disabled', () => {
  let app: NestExpressApplication;
  let server: Server;
  let hasher: PasswordHasher;
  const originalVerify = PasswordHasher.prototype.verify;

  beforeAll(async () => {
    app = await startTestApp();
    server = app.getHttpServer();
    hasher = app.get(PasswordHasher);
  });
  afterAll(() => app.close());
  afterEach(() => {
    hasher.verify = originalVerify;
  });

  /** Holds the next verification of `password` (after it has run) until `release` is called. */
  function holdNextVerification(password: string) {
    let entered!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    hasher.verify = async function (this: PasswordHasher, hash: string, given: string) {
      const verified = await originalVerify.call(this, hash, given);
      if (!held && given === password) {
        held = true;
        entered();
        await released;
      }
      return verified;
    };
    return { reached, release };
  }

  async function startSignIn(input: { email: string; password: string }) {
    const attacker = new ApiClient(server);
    await attacker.refreshToken();
    const signIn = attacker.post('/v1/auth/login', { email: input.email, password: input.password }).then((res) => res);
    return { attacker, signIn };
  }

  it('the old password yields no session that survives the change', async () => {
    const { client: owner, input } = await signUp(server);
    const hold = holdNextVerification(input.password);
    const { attacker, signIn } = await startSignIn(input);
    await hold.reached;
    hasher.verify = originalVerify;
    await owner
      .post('/v1/auth/password', { currentPassword: input.password, newPassword: 'violet-harbour-lantern-93' })
      .expect(204);
    hold.release();
    const res = await signIn;
    // Answered like a wrong password, and its cookie signs no one in.
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    await attacker.get('/v1/auth/me').expect(401);
    // The owner's own session, kept by the change, still works.
    await owner.get('/v1/auth/me').expect(200);
  });

  it('a sign-in that finishes after an admin disabled the account holds no session after re-enabling', async () => {
    const { client: admin, user: adminUser } = await signUp(server);
    await grantDirectly(adminUser.id, 'admin');
    const { input, user } = await signUp(server);
    const hold = holdNextVerification(input.password);
    const { attacker, signIn } = await startSignIn(input);
    await hold.reached;
    hasher.verify = originalVerify;
    await admin.patch(`/v1/admin/users/${user.id}`, { disabled: true }).expect(200);
    hold.release();
    const res = await signIn;
    expect(res.status).toBe(401);
    await attacker.get('/v1/auth/me').expect(401);
    // Disabling ended every session; enabling again does not bring one back.
    await admin.patch(`/v1/admin/users/${user.id}`, { disabled: false }).expect(200);
    await attacker.get('/v1/auth/me').expect(401);
  });
});

describe('a sign-in that cannot confirm its password in time', () => {
  let app: NestExpressApplication;
  let server: Server;

  beforeAll(async () => {
    app = await startTestApp({ DATABASE_LOCK_TIMEOUT_MS: '300' });
    server = app.getHttpServer();
  });
  afterAll(() => app.close());

  it('answers 503 and leaves no session behind (a change held the account row too long)', async () => {
    const { input, user } = await signUp(server);
    const changer = await connect(inject('databaseUrl'));
    try {
      // A password change under way: the row is updated, not yet committed.
      await changer.query('BEGIN');
      await changer.query(`UPDATE users SET password_hash = password_hash WHERE id = $1`, [user.id]);
      const attacker = new ApiClient(server);
      await attacker.refreshToken();
      const before = attacker.cookie;
      const res = await attacker.post('/v1/auth/login', { email: input.email, password: input.password });
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.headers['retry-after']).toBeDefined();
      // No cookie for a new session went out with the 503.
      expect(attacker.cookie).toBe(before);
    } finally {
      await changer.query('ROLLBACK');
      await changer.end();
    }
    const [{ sessions }] = (
      await query<{ sessions: number }>(inject('databaseUrl'), 'SELECT count(*)::int AS sessions FROM "session" WHERE user_id = $1', [
        user.id,
      ])
    );
    // Only the sign-up's own session.
    expect(sessions).toBe(1);
  });
});

import {
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestMiddleware,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { query } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';

/**
 * Holds requests until `expected` of them have arrived, then lets them all go at once: on a
 * loaded machine a client-side burst trickles in over seconds, longer than the first lock,
 * and this makes the burst truly concurrent where the race is (just before the check).
 */
const barrier = {
  expected: 0,
  waiting: [] as Array<() => void>,
  arm(expected: number) {
    this.expected = expected;
  },
};

@Injectable()
class BarrierMiddleware implements NestMiddleware {
  use(_req: Request, _res: Response, next: NextFunction) {
    if (!barrier.expected) return next();
    barrier.waiting.push(next);
    if (barrier.waiting.length < barrier.expected) return;
    barrier.expected = 0;
    for (const go of barrier.waiting.splice(0)) go();
  }
}

@Module({})
class BarrierModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer
      .apply(BarrierMiddleware)
      .forRoutes({ path: 'v1/auth/login', method: RequestMethod.POST }, { path: 'v1/auth/password', method: RequestMethod.POST });
  }
}

function useBarrierApp() {
  const handle = {} as { app: NestExpressApplication; server: Server };
  beforeAll(async () => {
    handle.app = await startTestApp({}, [BarrierModule]);
    handle.server = handle.app.getHttpServer();
  });
  afterAll(() => handle.app.close());
  return handle;
}

/** Each Argon2 verification leaves exactly one audit row with this reason (or a success). */
async function verifications(where: string, value: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    inject('databaseUrl'),
    `SELECT count(*)::int AS n FROM audit_events
     WHERE ((action = 'auth.login_failed' AND details->>'reason' = 'bad-credentials')
            OR action = 'auth.login_succeeded') AND ${where} = $1`,
    [value],
  );
  return row.n;
}

describe('sign-in throttling under concurrent bursts', () => {
  const testApp = useBarrierApp();

  async function attacker() {
    const client = new ApiClient(testApp.server);
    await client.refreshToken();
    return client;
  }

  it('verifies at most five of 31 concurrent guesses on one account, and refuses the right password in the burst', async () => {
    const { input, user } = await signUp(testApp.server);
    const client = await attacker();
    barrier.arm(32);
    const guesses = Array.from({ length: 31 }, (_, i) =>
      client.post('/v1/auth/login', { email: input.email, password: `wrong-guess-${i}` }).then((res) => res),
    );
    // The right password joins the burst last, once the 31 guesses are held at the barrier.
    while (barrier.waiting.length < 31) await new Promise((resolve) => setTimeout(resolve, 10));
    const right = client.post('/v1/auth/login', { email: input.email, password: input.password }).then((res) => res);
    const responses = await Promise.all([...guesses, right]);
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(responses.at(-1)!.status).toBe(429);
    expect(Number(responses.at(-1)!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await verifications('target_id', user.id)).toBeLessThanOrEqual(5);
  });

  it('verifies at most twenty of 45 concurrent guesses from one address across accounts', async () => {
    const client = await attacker();
    barrier.arm(45);
    const responses = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        client.post('/v1/auth/login', { email: `spray-${i}-${client.address}@example.com`, password: 'spray-guess-1' }),
      ),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(25);
    expect(await verifications('ip', client.address)).toBeLessThanOrEqual(20);
  });

  it('treats a fullwidth or upper-case email as the same account', async () => {
    const { input } = await signUp(testApp.server);
    const client = await attacker();
    const fullwidth = input.email.toUpperCase().replace(/[A-Z@]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    await client.post('/v1/auth/login', { email: fullwidth, password: input.password }).expect(200);
    const again = new ApiClient(testApp.server);
    await again.refreshToken();
    const res = await again.post('/v1/auth/signup', { ...input, handle: `${input.handle}-x`, email: fullwidth });
    expect(res.status).toBe(409);
  });
});

describe('password change throttling', () => {
  const testApp = useBarrierApp();

  it('answers 429 after five wrong current passwords, even in a burst of 25, and audits each failure', async () => {
    const { client, user } = await signUp(testApp.server);
    barrier.arm(25);
    const responses = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        client.post('/v1/auth/password', { currentPassword: `not-it-${i}`, newPassword: 'violet-harbour-lantern-93' }),
      ),
    );
    const statuses = responses.map((res) => res.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    for (const res of responses.filter((r) => r.status === 429)) {
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const rows = await query<{ reason: string }>(
      inject('databaseUrl'),
      `SELECT details->>'reason' AS reason FROM audit_events
       WHERE action = 'auth.password_change_failed' AND target_id = $1`,
      [user.id],
    );
    expect(rows).toHaveLength(25);
    expect(rows.filter((r) => r.reason === 'bad-current-password')).toHaveLength(statuses.filter((s) => s === 401).length);
  });

  it('counts sequential wrong guesses too: the sixth is refused', async () => {
    const { client } = await signUp(testApp.server);
    for (let i = 0; i < 5; i++) {
      await client.post('/v1/auth/password', { currentPassword: `nope-${i}`, newPassword: 'violet-harbour-lantern-93' }).expect(401);
    }
    const res = await client.post('/v1/auth/password', { currentPassword: `nope-6`, newPassword: 'violet-harbour-lantern-93' });
    expect(res.status).toBe(429);
  });
});

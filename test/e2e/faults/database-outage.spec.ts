// Byline under a PostgreSQL that restarts, goes away for 10 s, or is held by a lock, with
// bounded load on a real listening server: no 500, every refusal a 503 problem+json with
// Retry-After, answers within the configured bounds, recovery, sessions intact.
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { startFaultPostgres } from '../../support/fault-postgres.js';
import { type LoadRequest, type Outcome, isProperRefusal, send, sleep, startLoad } from '../../support/load.js';
import { startTestApp } from '../../support/test-app.js';
import http from 'node:http';

const timeouts = {
  DATABASE_POOL_TIMEOUT_MS: '1000',
  DATABASE_STATEMENT_TIMEOUT_MS: '1500',
  DATABASE_LOCK_TIMEOUT_MS: '500',
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '2000',
  HEALTH_CHECK_TIMEOUT_MS: '1000',
};

async function listen(app: NestExpressApplication): Promise<string> {
  await app.listen(0);
  // A real host name, as clients use it.
  return `http://localhost:${(app.getHttpServer().address() as AddressInfo).port}`;
}

/** A writer with a published post, and an anonymous client with a CSRF token for logins. */
async function seed(baseUrl: string) {
  const writer = await signUp(baseUrl);
  await writer.client
    .post('/v1/posts', { title: 'On the air', publishAt: new Date(Date.now() - 60_000).toISOString() })
    .expect(201);
  const visitor = new ApiClient(baseUrl);
  await visitor.refreshToken();
  return { writer, visitor };
}

/** Every data path: public reading, the session store and user load, tenant reads, login throttle. */
function mix(writer: ApiClient, visitor: ApiClient): Array<() => LoadRequest> {
  const signedIn = { cookie: writer.cookie };
  return [
    () => ({ path: '/v1/public/posts' }),
    () => ({ path: '/v1/auth/me', headers: signedIn }),
    () => ({ path: '/v1/posts', headers: signedIn }),
    () => ({
      method: 'POST',
      path: '/v1/auth/login',
      headers: {
        cookie: visitor.cookie,
        'x-csrf-token': visitor.token,
        // Each attempt from its own address and for its own account: no 429 from throttling.
        'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      },
      body: JSON.stringify({ email: `nobody-${randomUUID()}@example.com`, password: 'not-the-password-1' }),
    }),
    () => ({ path: '/health/ready' }),
    () => ({ path: '/health/jobs' }),
  ];
}

/** What a user may see under faults: success, the login's 401, or a proper 503. */
function unexpected(outcomes: Outcome[]): Outcome[] {
  return outcomes.filter((o) => {
    if (o.path === '/health/ready') return !(o.status === 200 || o.status === 503);
    if (o.status === 200) return false;
    if (o.path === '/v1/auth/login' && o.status === 401) return false;
    return !isProperRefusal(o);
  });
}

/** Milliseconds from `since` until `path` answers 200 again. */
async function recoveryMillis(baseUrl: string, request: LoadRequest, since: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: false });
  for (;;) {
    const outcome = await send(baseUrl, request, agent);
    if (outcome.status === 200) return Date.now() - since;
    if (Date.now() - since > 30_000) throw new Error(`no recovery: last ${JSON.stringify(outcome)}`);
    await sleep(100);
  }
}

describe('faults: PostgreSQL restarts, goes away, is locked', () => {
  let postgres: Awaited<ReturnType<typeof startFaultPostgres>>;

  beforeAll(async () => {
    postgres = await startFaultPostgres();
  }, 60_000);
  afterAll(() => postgres?.remove());

  it('restart and a 10 s outage under load: no 500, every refusal 503 with Retry-After, quick recovery, sessions kept', async () => {
    // Jobs tick too: through the outage they back off and log, never crash the process.
    const app = await startTestApp({
      DATABASE_URL: postgres.url,
      DATABASE_POOL_SIZE: '4',
      JOBS_ENABLED: 'true',
      PUBLICATION_EVENTS_INTERVAL_SECONDS: '1',
      WEBHOOK_DELIVERY_INTERVAL_SECONDS: '1',
      ...timeouts,
    });
    try {
      const baseUrl = await listen(app);
      const { writer, visitor } = await seed(baseUrl);
      const me = { path: '/v1/auth/me', headers: { cookie: writer.client.cookie } };
      const load = startLoad(baseUrl, mix(writer.client, visitor));
      await sleep(1000);

      await postgres.stop();
      await postgres.start();
      const afterRestart = await recoveryMillis(baseUrl, me, Date.now());

      await postgres.stop();
      await sleep(10_000);
      const outageOutcomes = load.outcomes.length;
      await postgres.start();
      const afterOutage = await recoveryMillis(baseUrl, me, Date.now());
      await sleep(500);
      const outcomes = await load.stop();

      expect(unexpected(outcomes)).toEqual([]);
      expect(outcomes.filter((o) => (o.status ?? 0) >= 500 && o.status !== 503)).toEqual([]);
      // The outage was seen (refusals happened) and refused promptly: none waited for a
      // bound it does not have (pool wait + statement timeout, generously).
      const refusals = outcomes.filter((o) => o.status === 503 && o.path !== '/health/ready');
      expect(refusals.length).toBeGreaterThan(0);
      expect(outageOutcomes).toBeGreaterThan(50);
      for (const refusal of refusals) expect(refusal.finishedAt - refusal.startedAt).toBeLessThan(1000 + 1500 + 3000);
      expect(afterRestart).toBeLessThanOrEqual(5000);
      expect(afterOutage).toBeLessThanOrEqual(5000);

      // The session made before both faults still signs the writer in.
      const after = await writer.client.get('/v1/auth/me').expect(200);
      expect(after.body.user.id).toBe(writer.user.id);
      // Readiness tells the truth once the database is back.
      expect((await send(baseUrl, { path: '/health/ready' }, new http.Agent())).status).toBe(200);
      expect((await send(baseUrl, { path: '/health/jobs' }, new http.Agent())).status).toBe(200);
    } finally {
      await app.close();
    }
  }, 90_000);

  it('a lock held on posts with a small pool: every request answered within the bound, live fast, ready accurate', async () => {
    const app = await startTestApp({ DATABASE_URL: postgres.url, DATABASE_POOL_SIZE: '2', ...timeouts });
    const holder = new pg.Client({ connectionString: postgres.url });
    try {
      const baseUrl = await listen(app);
      const { writer, visitor } = await seed(baseUrl);
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE posts IN ACCESS EXCLUSIVE MODE');

      const load = startLoad(baseUrl, mix(writer.client, visitor), 8);
      const probes: Outcome[] = [];
      const probeAgent = new http.Agent({ keepAlive: true });
      const until = Date.now() + 6000;
      while (Date.now() < until) {
        probes.push(await send(baseUrl, { path: '/health/live' }, probeAgent));
        probes.push(await send(baseUrl, { path: '/health/ready' }, probeAgent));
        await sleep(200);
      }
      const outcomes = await load.stop();
      await holder.query('ROLLBACK');

      expect(unexpected(outcomes)).toEqual([]);
      // Reads of posts waited at most lock_timeout, then 503; nothing waited out the lock.
      const onPosts = outcomes.filter((o) => o.path === '/v1/public/posts' || o.path === '/v1/posts');
      expect(onPosts.length).toBeGreaterThan(0);
      expect(onPosts.every((o) => o.status === 503)).toBe(true);
      // The configured bound: a pool wait plus a statement, with room for a loaded machine.
      const bound = 1000 + 1500 + 3000;
      for (const o of outcomes) expect(o.finishedAt - o.startedAt).toBeLessThan(bound);
      // Readiness is asked on its own connections: the database is up, and says so.
      for (const probe of probes) {
        expect(probe.status).toBe(200);
        expect(probe.finishedAt - probe.startedAt).toBeLessThan(bound);
      }
      expect(probes.filter((p) => p.path === '/health/ready').map((p) => JSON.parse(p.body!).checks)).toEqual(
        probes.filter((p) => p.path === '/health/ready').map(() => ({ database: 'up', migrations: 'applied' })),
      );

      // Once the lock is gone, posts answer again.
      await writer.client.get('/v1/posts').expect(200);
    } finally {
      await holder.end().catch(() => {});
      await app.close();
    }
  }, 60_000);
});

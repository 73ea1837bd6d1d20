import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { startTestApp } from '../../support/test-app.js';

const lowBudgets = (budgets: { writes?: number; reads?: number; publicReads?: number }) => ({
  RATE_LIMIT_WRITES: String(budgets.writes ?? 1000),
  RATE_LIMIT_READS: String(budgets.reads ?? 1000),
  RATE_LIMIT_PUBLIC_READS: String(budgets.publicReads ?? 1000),
  RATE_LIMIT_WINDOW_SECONDS: '60',
  // A prefix of its own, so runs sharing a Redis never share a budget.
  RATE_LIMIT_KEY_PREFIX: `byline-test:${randomUUID()}`,
});

function expectLimited(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, policy: string) {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 429, requestId: expect.any(String) });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers['ratelimit-policy']).toBe(policy);
  expect(res.headers['ratelimit']).toMatch(/^"\w+";r=0;t=\d+$/);
}

describe('rate limits (in process)', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    app = await startTestApp(lowBudgets({ writes: 3, reads: 4, publicReads: 6 }));
  });
  afterAll(() => app.close());

  it('limits writes per signed-in user, whatever the address, with headers on every response', async () => {
    const { client } = await signUp(app.getHttpServer());
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await client.post('/v1/tags', { name: `t${i}` });
      expect(res.status).toBe(201);
      expect(res.headers['ratelimit-policy']).toBe('"writes";q=3;w=60');
      remaining.push(res.headers['ratelimit'].split(';')[1]);
    }
    expect(remaining).toEqual(['r=2', 'r=1', 'r=0']);
    const refused = await client.post('/v1/tags', { name: 'one too many' });
    expectLimited(refused, '"writes";q=3;w=60');
    expect((await client.get('/v1/tags')).body.items).toHaveLength(3);

    // The same user from another address is still the same user.
    (client as { address: string }).address = '10.200.0.1';
    expect((await client.post('/v1/tags', { name: 'moved' })).status).toBe(429);

    // Another user at that first address has a budget of their own.
    const other = await signUp(app.getHttpServer());
    (other.client as { address: string }).address = client.address;
    expect((await other.client.post('/v1/tags', { name: 'mine' })).status).toBe(201);
  });

  it('limits anonymous requests per client address', async () => {
    const here = new ApiClient(app.getHttpServer());
    const there = new ApiClient(app.getHttpServer());
    for (let i = 0; i < 4; i++) expect((await here.get('/v1/auth/me')).status).toBe(401);
    expectLimited(await here.get('/v1/auth/me'), '"reads";q=4;w=60');
    expect((await there.get('/v1/auth/me')).status).toBe(401);
  });

  it('gives public reading its own, more generous budget per address', async () => {
    const reader = new ApiClient(app.getHttpServer());
    for (let i = 0; i < 4; i++) expect((await reader.get('/v1/auth/me')).status).toBe(401);
    expect((await reader.get('/v1/auth/me')).status).toBe(429);
    // The first computes the list; the rest are cache hits, answered before Express: each
    // spends exactly one.
    for (let i = 0; i < 6; i++) {
      const res = await reader.get('/v1/public/posts');
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-policy']).toBe('"public";q=6;w=60');
      expect(res.headers['ratelimit']).toMatch(new RegExp(`^"public";r=${5 - i};t=\\d+$`));
    }
    expectLimited(await reader.get('/v1/public/posts'), '"public";q=6;w=60');
  });

  it('never limits health probes', async () => {
    const probe = new ApiClient(app.getHttpServer());
    for (let i = 0; i < 8; i++) {
      const res = await probe.get('/health/live');
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit']).toBeUndefined();
    }
  });
});

describe('rate limits shared through Redis', () => {
  it('two instances on one Redis enforce one budget', async () => {
    const env = { ...lowBudgets({ writes: 4 }), REDIS_URL: 'redis://127.0.0.1:6379' };
    const first = await startTestApp(env);
    const second = await startTestApp(env);
    try {
      const { client } = await signUp(first.getHttpServer());
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        client.target = (i % 2 ? second : first).getHttpServer();
        statuses.push((await client.post('/v1/tags', { name: `shared-${i}` })).status);
      }
      expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('starts and answers when Redis is unreachable from the outset, limiting in process', async () => {
    const closedPort = randomInt(20_000, 60_000);
    const app = await startTestApp({ ...lowBudgets({ writes: 2 }), REDIS_URL: `redis://127.0.0.1:${closedPort}` });
    try {
      const { client } = await signUp(app.getHttpServer());
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await client.post('/v1/tags', { name: `cold-${i}` })).status);
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      await app.close();
    }
  });

  describe('when Redis stops', () => {
    let redisServer: ChildProcess;
    let port: number;

    async function startRedis() {
      redisServer = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
      probe.on('error', () => {});
      for (let i = 0; i < 100; i++) {
        try {
          await probe.connect().catch(() => {});
          if ((await probe.ping()) === 'PONG') break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      probe.disconnect();
    }

    beforeAll(async () => {
      port = randomInt(20_000, 60_000);
      await startRedis();
    });
    afterAll(async () => {
      if (redisServer.exitCode === null && redisServer.signalCode === null) {
        redisServer.kill('SIGKILL');
        await once(redisServer, 'exit');
      }
    });

    it('keeps answering, and keeps limiting in process', async () => {
      const app = await startTestApp({ ...lowBudgets({ writes: 3 }), REDIS_URL: `redis://127.0.0.1:${port}` });
      try {
        const { client } = await signUp(app.getHttpServer());
        expect((await client.post('/v1/tags', { name: 'before' })).status).toBe(201);

        redisServer.kill('SIGKILL');
        await once(redisServer, 'exit');

        const during: number[] = [];
        for (let i = 0; i < 4; i++) {
          const res = await client.post('/v1/tags', { name: `during-${i}` });
          during.push(res.status);
          expect(res.headers['ratelimit-policy']).toBe('"writes";q=3;w=60');
        }
        // The in-process counter starts afresh: three allowed, then refused.
        expect(during).toEqual([201, 201, 201, 429]);
        expect((await client.get('/v1/tags')).status).toBe(200);
      } finally {
        await app.close();
      }
    });
  });
});

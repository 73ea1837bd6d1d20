// Delivery to host names, lastError, re-enabling an endpoint, the per-author endpoint cap,
// and fairness: one author's tarpits do not delay another author's deliveries.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { WebhookDeliveryJob } from '../../../src/webhooks/webhook-delivery.job.js';
import { postWebhook } from '../../../src/webhooks/webhook-sender.js';
import { query } from '../../support/databases.js';
import { signUp } from '../../factories/user.factory.js';
import { startTestApp } from '../../support/test-app.js';
import { eventually, startReceiver } from '../../support/webhook-receiver.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const jobsOn = {
  JOBS_ENABLED: 'true',
  PUBLICATION_EVENTS_INTERVAL_SECONDS: '0.2',
  WEBHOOK_DELIVERY_INTERVAL_SECONDS: '0.1',
  WEBHOOK_RETRY_BASE_SECONDS: '0.5',
  WEBHOOK_RETRY_JITTER: 'none',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_TIMEOUT_SECONDS: '4',
};

describe('the webhook sender', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver((path) => (path === '/tarpit' ? 'hang' : 204));
  });
  afterAll(() => receiver.close());

  const send = (url: string, options: Partial<Parameters<typeof postWebhook>[3]> = {}) =>
    postWebhook(url, '{}', {}, { timeoutMs: 2000, allowLoopback: true, ...options });

  it('delivers to a host name (localhost), resolved with all: true and pinned to the checked address', async () => {
    expect(receiver.url('/x')).toMatch(/^http:\/\/localhost:\d+\/x$/);
    expect(await send(receiver.url('/by-name'))).toEqual({ status: 204, error: null });
    expect(receiver.received('/by-name')).toHaveLength(1);
  });

  it('refuses loopback when not allowed, and an https host name that resolves to a private address', async () => {
    expect(await send(receiver.url('/strict'), { allowLoopback: false })).toEqual({
      status: null,
      error: 'refused address: 127.0.0.1 is a loopback address',
    });
    const privateDns = (_host: string, _options: unknown, callback: (e: null, a: { address: string; family: number }[]) => void) =>
      callback(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ]);
    expect(await send('https://hooks.example.com/byline', { resolve: privateDns })).toEqual({
      status: null,
      error: 'refused address: 10.0.0.5 is a private address',
    });
    expect(receiver.received('/strict')).toHaveLength(0);
  });

  it('says why an attempt failed: connection refused, timeout, DNS, status', async () => {
    expect(await send(`http://localhost:${await closedPort()}/`)).toEqual({ status: null, error: 'connection refused' });
    expect(await send(receiver.url('/tarpit'), { timeoutMs: 300 })).toEqual({ status: null, error: 'timeout after 0.3s' });
    expect((await send('http://no-such-host.invalid/hook')).error).toMatch(/^DNS lookup failed \(E[A-Z_]+\)$/);
  });
});

describe('webhook endpoints and deliveries', () => {
  let app: NestExpressApplication;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const gone = new Set<string>();

  beforeAll(async () => {
    receiver = await startReceiver((path, nth) => {
      if (path.startsWith('/tarpit')) return 'hang';
      if (path === '/fails') return 500;
      if (gone.has(path) && nth === 1) return 410;
      return 204;
    });
    // One instance with 8 workers: without fair claiming, 8 tarpits would take them all.
    app = await startTestApp({ ...jobsOn, WEBHOOK_CONCURRENCY: '8' });
  });
  afterAll(async () => {
    await app?.close();
    await receiver.close();
  });

  const backdated = { publishAt: '2020-01-01T00:00:00Z' };

  it('shows lastError for a refused connection and for a failing status', async () => {
    const { client } = await signUp(app.getHttpServer());
    const refused = (await client.post('/v1/webhooks', { url: `http://localhost:${await closedPort()}/`, events: ['post.published'] }).expect(201)).body;
    const failing = (await client.post('/v1/webhooks', { url: receiver.url('/fails'), events: ['post.published'] }).expect(201)).body;
    await client.post('/v1/posts', { title: 'Unlucky', ...backdated }).expect(201);
    const first = async (id: string) => (await client.get(`/v1/webhooks/${id}/deliveries`).expect(200)).body.items[0];
    expect(await eventually(async () => (await first(refused.id))?.attempts >= 1 && (await first(failing.id))?.attempts >= 1)).toBe(true);
    expect(await first(refused.id)).toMatchObject({ lastStatus: null, lastError: 'connection refused' });
    expect(await first(failing.id)).toMatchObject({ lastStatus: 500, lastError: 'HTTP 500' });
  });

  it('PATCH {disabled: false} enables an endpoint that a 410 disabled; foreign and unknown ids are 404', async () => {
    const { client } = await signUp(app.getHttpServer());
    gone.add('/gone-then-back');
    const hook = (await client.post('/v1/webhooks', { url: receiver.url('/gone-then-back'), events: ['post.published'] }).expect(201)).body;
    expect(hook).toMatchObject({ disabled: false, createdAt: expect.any(String), secret: expect.stringMatching(/^whsec_/) });
    await client.post('/v1/posts', { title: 'First', ...backdated }).expect(201);
    const listed = async () => (await client.get('/v1/webhooks').expect(200)).body.items[0];
    expect(await eventually(async () => (await listed()).disabled === true)).toBe(true);

    const other = await signUp(app.getHttpServer());
    const foreign = await other.client.patch(`/v1/webhooks/${hook.id}`, { disabled: false });
    const unknown = await other.client.patch('/v1/webhooks/5d1e4b8e-0000-4000-8000-000000000000', { disabled: false });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ ...unknown.body, requestId: foreign.body.requestId });
    expect((await listed()).disabled).toBe(true);
    expect((await client.patch(`/v1/webhooks/${hook.id}`, { disabled: 'no' })).status).toBe(400);
    expect((await client.patch(`/v1/webhooks/${hook.id}`, { disabled: false, url: 'http://x/' })).status).toBe(400);

    const enabled = await client.patch(`/v1/webhooks/${hook.id}`, { disabled: false }).expect(200);
    expect(enabled.body).toEqual({ id: hook.id, url: hook.url, events: ['post.published'], description: '', disabled: false, createdAt: hook.createdAt });
    await client.post('/v1/posts', { title: 'Second', ...backdated }).expect(201);
    expect(await eventually(() => receiver.received('/gone-then-back').length === 2)).toBe(true);
    const [dead, delivered] = [...(await client.get(`/v1/webhooks/${hook.id}/deliveries`)).body.items].reverse();
    expect(dead).toMatchObject({ state: 'dead', lastStatus: 410, lastError: 'HTTP 410' });
    expect(await eventually(async () => (await client.get(`/v1/webhooks/${hook.id}/deliveries`)).body.items[0].state === 'delivered')).toBe(true);
    expect(delivered.type).toBe('post.published');
  });

  it('caps an author’s endpoints, also under concurrent creates (422 past the cap)', async () => {
    const capped = await startTestApp({ WEBHOOK_MAX_ENDPOINTS_PER_AUTHOR: '3' });
    try {
      await capTest(capped);
    } finally {
      await capped.close();
    }
  });

  async function capTest(app: NestExpressApplication) {
    const { client } = await signUp(app.getHttpServer());
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => client.post('/v1/webhooks', { url: receiver.url(`/cap-${i}`), events: ['post.published'] })),
    );
    const statuses = results.map((r) => r.status).sort((a, b) => a - b);
    expect(statuses).toEqual([201, 201, 201, 422, 422, 422, 422, 422]);
    const refused = results.find((r) => r.status === 422)!;
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body.detail).toMatch(/at most 3/);
    expect((await client.get('/v1/webhooks').expect(200)).body.items).toHaveLength(3);
    // Another author is not affected by this one's cap.
    const other = await signUp(app.getHttpServer());
    await other.client.post('/v1/webhooks', { url: receiver.url('/cap-other'), events: ['post.published'] }).expect(201);
  }

  it('eight tarpit endpoints of one author do not delay another author’s delivery', async () => {
    {
      const slow = await signUp(app.getHttpServer());
      const fast = await signUp(app.getHttpServer());
      await fast.client.post('/v1/webhooks', { url: receiver.url('/fast'), events: ['post.published'] }).expect(201);
      let n = 0;
      /** Publishes one post of the fast author; how long until the receiver has it. */
      const latency = async () => {
        const before = receiver.received('/fast').length;
        const started = Date.now();
        await fast.client.post('/v1/posts', { title: `Fast ${++n}`, ...backdated }).expect(201);
        expect(await eventually(() => receiver.received('/fast').length > before, 20_000)).toBe(true);
        return receiver.received('/fast')[before].at - started;
      };
      const unloaded: number[] = [];
      for (let i = 0; i < 9; i++) unloaded.push(await latency());

      for (let i = 0; i < 8; i++) {
        await slow.client.post('/v1/webhooks', { url: receiver.url(`/tarpit-${i}`), events: ['post.published'] }).expect(201);
      }
      for (let i = 0; i < 3; i++) await slow.client.post('/v1/posts', { title: `Slow ${i}`, ...backdated }).expect(201);
      expect(await eventually(() => [...Array(8).keys()].filter((i) => receiver.received(`/tarpit-${i}`).length > 0).length >= 4)).toBe(true);
      const loaded: number[] = [];
      for (let i = 0; i < 9; i++) loaded.push(await latency());
      const ratio = median(loaded) / median(unloaded);
      console.log(
        `fairness: unloaded ${unloaded.join(', ')} ms (median ${median(unloaded)}), with 8 tarpits ${loaded.join(', ')} ms (median ${median(loaded)}), ratio ${ratio.toFixed(2)}`,
      );
      // Before fair claiming this was the attempt timeout (4 s) or more per delivery.
      expect(ratio).toBeLessThan(2);
      expect(Math.max(...loaded)).toBeLessThan(4000);
    }
  });
});

describe('shutdown', () => {
  it('abandons attempts in flight and makes them due again at once (not after the lease)', async () => {
    const receiver = await startReceiver(() => 'hang');
    const app = await startTestApp({ ...jobsOn, WEBHOOK_TIMEOUT_SECONDS: '20' });
    try {
      const { client } = await signUp(app.getHttpServer());
      const hook = (await client.post('/v1/webhooks', { url: receiver.url('/hang'), events: ['post.published'] }).expect(201)).body;
      await client.post('/v1/posts', { title: 'Stuck', publishAt: '2020-01-01T00:00:00Z' }).expect(201);
      // Another test file's instance may claim it first; then ours gets it on a later attempt.
      expect(await eventually(() => app.get(WebhookDeliveryJob).inFlightCount === 1, 30_000)).toBe(true);
      const state = async () =>
        (
          await query<{ attempts: number; due: boolean; busy: boolean }>(
            inject('databaseUrl'),
            `SELECT d.attempts, d.next_attempt_at <= now() AS due, w.busy_until > now() AS busy
             FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE w.id = $1`,
            [hook.id],
          )
        )[0];
      expect(await state()).toMatchObject({ due: false, busy: true });
      const { attempts } = await state();
      await app.close();
      expect(await state()).toEqual({ attempts: attempts - 1, due: true, busy: null });
    } finally {
      await app.close().catch(() => {});
      await receiver.close();
    }
  });
});

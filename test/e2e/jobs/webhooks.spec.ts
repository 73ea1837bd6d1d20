import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHmac } from 'node:crypto';
import { inject } from 'vitest';
import { JobScheduler } from '../../../src/jobs/job-scheduler.js';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { query } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';
import { eventually, startReceiver } from '../../support/webhook-receiver.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const jobsOn = {
  JOBS_ENABLED: 'true',
  PUBLICATION_EVENTS_INTERVAL_SECONDS: '0.3',
  WEBHOOK_DELIVERY_INTERVAL_SECONDS: '0.2',
  WEBHOOK_RETRY_BASE_SECONDS: '0.5',
  WEBHOOK_RETRY_JITTER: 'none',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_TIMEOUT_SECONDS: '2',
};

async function dbNowPlus(seconds: number): Promise<string> {
  const [{ at }] = await query<{ at: Date }>(
    inject('databaseUrl'),
    `SELECT date_trunc('milliseconds', now()) + make_interval(secs => $1) AS at`,
    [seconds],
  );
  return at.toISOString();
}

// One after another: these share the job heartbeats and the receiver.
describe('publication events and webhooks', () => {
  let app: NestExpressApplication;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const failures = new Map<string, number>();

  beforeAll(async () => {
    receiver = await startReceiver((path, nth) => {
      if (path.startsWith('/always-fails')) return 500;
      if (path.startsWith('/gone')) return 410;
      return nth <= (failures.get(path) ?? 0) ? 503 : 204;
    });
    app = await startTestApp(jobsOn);
  });
  afterAll(async () => {
    await app?.close();
    await receiver.close();
  });

  async function author(path: string, events = ['post.published', 'post.unpublished']) {
    const signed = await signUp(app.getHttpServer());
    const hook = await signed.client.post('/v1/webhooks', { url: receiver.url(path), events });
    expect(hook.status).toBe(201);
    return { ...signed, hook: hook.body as { id: string; secret: string } };
  }

  it('delivers one signed post.published when a scheduled post goes live', async () => {
    const { client, hook } = await author('/scheduled');
    const publishAt = await dbNowPlus(1.5);
    const post = (await client.post('/v1/posts', { title: 'Soon', publishAt }).expect(201)).body;
    await sleep(800);
    expect(receiver.received('/scheduled')).toHaveLength(0);
    expect(await eventually(() => receiver.received('/scheduled').length > 0)).toBe(true);
    await sleep(1200);
    const [delivery] = receiver.received('/scheduled');
    expect(receiver.received('/scheduled')).toHaveLength(1);

    const body = JSON.parse(delivery.body);
    expect(body).toEqual({
      id: expect.any(String),
      type: 'post.published',
      createdAt: expect.any(String),
      data: { post: expect.objectContaining({ id: post.id, slug: post.slug, publishedAt: expect.any(String) }), sequence: 1 },
    });
    expect(delivery.headers['byline-event-id']).toBe(body.id);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers['byline-signature']))!;
    expect(v1).toBe(createHmac('sha256', hook.secret).update(`${t}.${delivery.body}`).digest('hex'));

    const list = await client.get(`/v1/webhooks/${hook.id}/deliveries`).expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ eventId: body.id, type: 'post.published', state: 'delivered', attempts: 1, lastStatus: 204 }),
    ]);
  });

  it('retries a failing receiver with growing gaps until it succeeds', async () => {
    failures.set('/flaky', 2);
    const { client, hook } = await author('/flaky');
    await client.post('/v1/posts', { title: 'Flaky', publishAt: await dbNowPlus(-1) }).expect(201);
    expect(await eventually(() => receiver.received('/flaky').length >= 3, 15_000)).toBe(true);
    const [first, second, third] = receiver.received('/flaky').map((r) => r.at);
    expect(third - second).toBeGreaterThan(second - first);
    await eventually(async () => (await client.get(`/v1/webhooks/${hook.id}/deliveries`)).body.items[0].state === 'delivered');
    const [delivery] = (await client.get(`/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 204 });
  });

  it('marks a delivery dead after the last attempt, and redelivers it by hand', async () => {
    const { client, hook } = await author('/always-fails');
    await client.post('/v1/posts', { title: 'Doomed', publishAt: await dbNowPlus(-1) }).expect(201);
    const deliveries = async () => (await client.get(`/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(await eventually(async () => (await deliveries())[0]?.state === 'dead', 15_000)).toBe(true);
    const [dead] = await deliveries();
    expect(dead).toMatchObject({ attempts: 3, lastStatus: 500, nextAttemptAt: null });
    expect(receiver.received('/always-fails')).toHaveLength(3);

    await client.post(`/v1/webhooks/${hook.id}/deliveries/${dead.id}/redeliver`).expect(202);
    expect(await eventually(() => receiver.received('/always-fails').length > 3)).toBe(true);
    expect(receiver.received('/always-fails')[3].headers['byline-event-id']).toBe(dead.eventId);
  });

  it('writes post.unpublished at once when a live post is unpublished', async () => {
    const { client } = await author('/unpublish', ['post.unpublished']);
    const post = (await client.post('/v1/posts', { title: 'Brief', publishAt: await dbNowPlus(-1) }).expect(201)).body;
    await client.post(`/v1/posts/${post.id}/unpublish`).expect(200);
    const events = await query<{ type: string }>(
      inject('databaseUrl'),
      `SELECT type FROM outbox_events WHERE post_id = $1 AND type = 'post.unpublished'`,
      [post.id],
    );
    expect(events).toHaveLength(1);
    expect(await eventually(() => receiver.received('/unpublish').length === 1)).toBe(true);
    expect(JSON.parse(receiver.received('/unpublish')[0].body).type).toBe('post.unpublished');
  });

  it('writes post.unpublished however a live post leaves the air, and nothing for a scheduled one', async () => {
    const { client } = await author('/withdrawn', ['post.unpublished']);
    const events = async (postId: string) =>
      query<{ type: string }>(inject('databaseUrl'), `SELECT type FROM outbox_events WHERE post_id = $1 AND type = 'post.unpublished'`, [postId]);
    const live = async (title: string) =>
      (await client.post('/v1/posts', { title, publishAt: await dbNowPlus(-1) }).expect(201)).body;
    const patched = await live('Patched off the air');
    await client.patch(`/v1/posts/${patched.id}`, { publishAt: null }).expect(200);
    expect(await events(patched.id)).toHaveLength(1);
    const rescheduled = await live('Rescheduled');
    await client.post(`/v1/posts/${rescheduled.id}/publish`, { publishAt: '2999-01-01T00:00:00Z' }).expect(200);
    expect(await events(rescheduled.id)).toHaveLength(1);
    const scheduled = (await client.post('/v1/posts', { title: 'Not yet', publishAt: '2999-01-01T00:00:00Z' }).expect(201)).body;
    await client.post(`/v1/posts/${scheduled.id}/unpublish`).expect(200);
    expect(await events(scheduled.id)).toHaveLength(0);
  });

  it('disables an endpoint that answers 410', async () => {
    const { client, hook } = await author('/gone');
    await client.post('/v1/posts', { title: 'Gone', publishAt: await dbNowPlus(-1) }).expect(201);
    expect(await eventually(async () => (await client.get('/v1/webhooks')).body.items[0].disabled === true)).toBe(true);
    const [delivery] = (await client.get(`/v1/webhooks/${hook.id}/deliveries`)).body.items;
    expect(delivery).toMatchObject({ state: 'dead', lastStatus: 410 });
  });

  it('delivers each event once with two instances running', async () => {
    const second = await startTestApp(jobsOn);
    try {
      const { client } = await author('/two-instances');
      for (let i = 0; i < 5; i++) {
        await client.post('/v1/posts', { title: `Twin ${i}`, publishAt: await dbNowPlus(-1) }).expect(201);
      }
      expect(await eventually(() => receiver.received('/two-instances').length >= 5)).toBe(true);
      await sleep(1500);
      const ids = receiver.received('/two-instances').map((r) => r.headers['byline-event-id']);
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
    } finally {
      await second.close();
    }
  });

  it('delivers, after it starts, a post that went live while Byline was stopped', async () => {
    await app.close();
    // Another instance with no jobs stands in for the API while the job runner is down.
    const apiOnly = await startTestApp();
    const hookPath = '/while-down';
    try {
      const signed = await signUp(apiOnly.getHttpServer());
      await signed.client.post('/v1/webhooks', { url: receiver.url(hookPath), events: ['post.published'] }).expect(201);
      await signed.client.post('/v1/posts', { title: 'While down', publishAt: await dbNowPlus(0.5) }).expect(201);
      await sleep(1500);
      expect(receiver.received(hookPath)).toHaveLength(0);
    } finally {
      await apiOnly.close();
    }
    app = await startTestApp(jobsOn);
    expect(await eventually(() => receiver.received(hookPath).length === 1)).toBe(true);
  });

  it('shows a stopped job as stale in /health/jobs', async () => {
    await app.close();
    app = await startTestApp({ ...jobsOn, HOUSEKEEPING_INTERVAL_SECONDS: '0.3' });
    const reader = new ApiClient(app.getHttpServer());
    const housekeeping = async () =>
      (await reader.get('/health/jobs').expect(200)).body.items.find((j: { name: string }) => j.name === 'housekeeping');
    expect(await eventually(async () => (await housekeeping())?.state === 'ok')).toBe(true);
    app.get(JobScheduler).stop('housekeeping');
    expect(await eventually(async () => (await housekeeping()).state === 'stale', 5000)).toBe(true);
    const jobs = (await reader.get('/health/jobs')).body.items;
    expect(jobs.find((j: { name: string }) => j.name === 'webhook-delivery').state).toBe('ok');
    await reader.get('/health/ready').expect(200);
  });
});

describe('the webhook URL guard', () => {
  it('refuses private addresses with 422, and loopback unless the setting allows it', async () => {
    const strict = await startTestApp({ WEBHOOK_ALLOW_LOOPBACK: 'false' });
    const lenient = await startTestApp();
    try {
      for (const [app, url, status] of [
        [strict, 'http://10.1.2.3/hook', 422],
        [strict, 'http://192.168.0.10/hook', 422],
        [strict, 'http://169.254.169.254/latest/meta-data', 422],
        [strict, 'http://127.0.0.1:9/hook', 422],
        [strict, 'http://localhost:9/hook', 422],
        [lenient, 'http://10.1.2.3/hook', 422],
        [lenient, 'http://127.0.0.1:9/hook', 201],
      ] as const) {
        const { client } = await signUp(app.getHttpServer());
        const res = await client.post('/v1/webhooks', { url, events: ['post.published'] });
        expect(res.status, url).toBe(status);
        if (status === 422) expect(res.headers['content-type']).toMatch(/problem\+json/);
      }
    } finally {
      await strict.close();
      await lenient.close();
    }
  });
});

// Every path onto and off the air yields exactly one event per transition, in order
// (../shared/API.md, "on the air"), seen both in the outbox and at a receiver.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { inject } from 'vitest';
import { signUp } from '../../factories/user.factory.js';
import { query } from '../../support/databases.js';
import { grantDirectly } from '../../support/roles.js';
import { startTestApp } from '../../support/test-app.js';
import { eventually, startReceiver } from '../../support/webhook-receiver.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const jobsOn = {
  JOBS_ENABLED: 'true',
  PUBLICATION_EVENTS_INTERVAL_SECONDS: '0.2',
  WEBHOOK_DELIVERY_INTERVAL_SECONDS: '0.1',
  WEBHOOK_RETRY_JITTER: 'none',
};

async function dbNowPlus(seconds: number): Promise<string> {
  const [{ at }] = await query<{ at: Date }>(
    inject('databaseUrl'),
    `SELECT date_trunc('milliseconds', now()) + make_interval(secs => $1) AS at`,
    [seconds],
  );
  return at.toISOString();
}

/** The post's events as `type#sequence`, in the order they were written. */
async function events(postId: string): Promise<string[]> {
  const rows = await query<{ type: string; sequence: number }>(
    inject('databaseUrl'),
    `SELECT type, sequence FROM outbox_events WHERE post_id = $1 ORDER BY position`,
    [postId],
  );
  return rows.map((row) => `${row.type}#${row.sequence}`);
}

const published = (n: number) => `post.published#${n}`;
const unpublished = (n: number) => `post.unpublished#${n}`;

describe('publication events by transition', () => {
  let app: NestExpressApplication;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver(() => 204);
    app = await startTestApp(jobsOn);
  });
  afterAll(async () => {
    await app?.close();
    await receiver.close();
  });

  async function author(path: string) {
    const signed = await signUp(app.getHttpServer());
    await signed.client.post('/v1/webhooks', { url: receiver.url(path), events: ['post.published', 'post.unpublished'] }).expect(201);
    return signed;
  }

  /** What the receiver got for the path: `type#sequence` per delivery, in arrival order. */
  const arrived = (path: string) =>
    receiver.received(path).map((r) => {
      const body = JSON.parse(r.body);
      return `${body.type}#${body.data.sequence}`;
    });

  it('publish, unpublish, publish with the same publishAt, delete: four events, in order, delivered in order', async () => {
    const { client } = await author('/api-path');
    const post = (await client.post('/v1/posts', { title: 'Round trip' }).expect(201)).body;
    // Trailing zeros in the milliseconds: publishedAt must still be ISO 8601 as sent.
    const publishAt = '2026-01-02T03:04:05.100Z';
    await client.post(`/v1/posts/${post.id}/publish`, { publishAt }).expect(200);
    await client.post(`/v1/posts/${post.id}/unpublish`).expect(200);
    await client.post(`/v1/posts/${post.id}/unpublish`).expect(200);
    await client.post(`/v1/posts/${post.id}/publish`, { publishAt }).expect(200);
    await client.delete(`/v1/posts/${post.id}`).expect(204);
    const expected = [published(1), unpublished(2), published(3), unpublished(4)];
    expect(await events(post.id)).toEqual(expected);
    expect(await eventually(() => receiver.received('/api-path').length >= 4)).toBe(true);
    await sleep(500);
    expect(arrived('/api-path')).toEqual(expected);
    const bodies = receiver.received('/api-path').map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.data.post.publishedAt)).toEqual(Array(4).fill(publishAt));
  });

  it('moving a live post within the past, or editing it, yields nothing; a reschedule into the future takes it off', async () => {
    const { client } = await author('/moves');
    const post = (await client.post('/v1/posts', { title: 'Live', publishAt: await dbNowPlus(-60) }).expect(201)).body;
    await client.patch(`/v1/posts/${post.id}`, { publishAt: await dbNowPlus(-3600) }).expect(200);
    await client.post(`/v1/posts/${post.id}/publish`, { publishAt: '2001-01-01T00:00:00Z' }).expect(200);
    await client.patch(`/v1/posts/${post.id}`, { title: 'Live, retitled' }).expect(200);
    expect(await events(post.id)).toEqual([published(1)]);
    await client.patch(`/v1/posts/${post.id}`, { publishAt: '2999-01-01T00:00:00Z' }).expect(200);
    await client.patch(`/v1/posts/${post.id}`, { publishAt: '2998-01-01T00:00:00Z' }).expect(200);
    expect(await events(post.id)).toEqual([published(1), unpublished(2)]);
  });

  it('a backdated post, even beyond RETENTION_DAYS, is evented at once', async () => {
    const { client } = await author('/backdated');
    const post = (await client.post('/v1/posts', { title: 'From the archive', publishAt: '1999-12-31T23:59:59Z' }).expect(201)).body;
    expect(await events(post.id)).toEqual([published(1)]);
    expect(await eventually(() => arrived('/backdated').length === 1)).toBe(true);
  });

  it('the clock: a scheduled post yields one post.published when its time comes, however many ticks pass', async () => {
    const { client } = await author('/clock');
    const post = (await client.post('/v1/posts', { title: 'Soon', publishAt: await dbNowPlus(0.8) }).expect(201)).body;
    expect(await events(post.id)).toEqual([]);
    expect(await eventually(async () => (await events(post.id)).length > 0)).toBe(true);
    await sleep(1000);
    expect(await events(post.id)).toEqual([published(1)]);
  });

  it('publish and unpublish between two ticks: both events, in order', async () => {
    // Jobs off in this instance; another test file's job may still tick in between, and the
    // outcome must be the same either way.
    const apiOnly = await startTestApp();
    try {
      const { client } = await signUp(apiOnly.getHttpServer());
      const post = (await client.post('/v1/posts', { title: 'Blink', publishAt: await dbNowPlus(0.3) }).expect(201)).body;
      await sleep(600);
      await client.post(`/v1/posts/${post.id}/unpublish`).expect(200);
      expect(await events(post.id)).toEqual([published(1), unpublished(2)]);
      const other = (await client.post('/v1/posts', { title: 'Blink and gone', publishAt: await dbNowPlus(0.3) }).expect(201)).body;
      await sleep(600);
      await client.delete(`/v1/posts/${other.id}`).expect(204);
      expect(await events(other.id)).toEqual([published(1), unpublished(2)]);
    } finally {
      await apiOnly.close();
    }
  });

  it('disabling an author takes their live posts off the air; their scheduled posts never go on until enabled', async () => {
    const { client, user } = await author('/disabled');
    const admin = await signUp(app.getHttpServer());
    await grantDirectly(admin.user.id, 'admin');
    const live = (await client.post('/v1/posts', { title: 'Live', publishAt: await dbNowPlus(-60) }).expect(201)).body;
    // Far enough ahead that the disable below comes first even on a slow machine.
    const soon = (await client.post('/v1/posts', { title: 'Soon', publishAt: await dbNowPlus(3) }).expect(201)).body;
    const draft = (await client.post('/v1/posts', { title: 'Draft' }).expect(201)).body;
    await admin.client.patch(`/v1/admin/users/${user.id}`, { disabled: true }).expect(200);
    expect(await events(live.id)).toEqual([published(1), unpublished(2)]);
    expect(await events(soon.id)).toEqual([]);
    await sleep(4000); // several ticks past the scheduled post's time
    expect(await events(soon.id)).toEqual([]);
    await admin.client.patch(`/v1/admin/users/${user.id}`, { disabled: false }).expect(200);
    expect(await events(live.id)).toEqual([published(1), unpublished(2), published(3)]);
    expect(await events(soon.id)).toEqual([published(1)]);
    await admin.client.patch(`/v1/admin/users/${user.id}`, { disabled: true }).expect(200);
    expect(await events(soon.id)).toEqual([published(1), unpublished(2)]);
    expect(await events(draft.id)).toEqual([]);
    expect(await eventually(() => arrived('/disabled').length === 6)).toBe(true);
    await sleep(500);
    expect(arrived('/disabled').filter((e) => e.startsWith('post.published#')).length).toBe(3);
  });
});

// What jobs do when shutdown begins: no new tick starts, a running one is awaited, and the
// delivery job hands back the deliveries it claimed but did not attempt.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PublicationEventsJob } from '../../../src/events/publication-events.job.js';
import { applyMigrations } from '../../../src/database/migrations.js';
import type { Job } from '../../../src/jobs/job.js';
import { JobRunner } from '../../../src/jobs/job-runner.js';
import { WebhookDeliveryJob } from '../../../src/webhooks/webhook-delivery.job.js';
import { signUp } from '../../factories/user.factory.js';
import { createScratchDatabase, query } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';

describe('jobs at shutdown', () => {
  // A database of its own: the delivery job claims due deliveries of every user.
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let app: NestExpressApplication;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    await applyMigrations(scratch.url);
    app = await startTestApp({ DATABASE_URL: scratch.url, WEBHOOK_TIMEOUT_SECONDS: '1' });
  });
  afterAll(async () => {
    await app?.close();
    await scratch?.drop();
  });

  it('stop() lets a running tick finish, and no tick starts after it', async () => {
    const runner = app.get(JobRunner);
    let sawStop = false;
    const job: Job = {
      name: `shutdown-probe-${Date.now()}`,
      intervalSeconds: 60,
      exclusive: false,
      run: (stopping) =>
        new Promise<void>((resolve) => {
          stopping!.addEventListener('abort', () => {
            sawStop = true;
            resolve();
          });
        }),
    };
    await runner.register(job);
    const tick = runner.tick(job);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await runner.stop(5000)).toEqual([]);
    expect(sawStop).toBe(true);
    expect(await tick).toBe(true);
    expect(await runner.tick(job)).toBe(false);
    const [beat] = await query<{ ok: boolean }>(
      scratch.url,
      'SELECT last_succeeded_at >= last_started_at AS ok FROM job_heartbeats WHERE name = $1',
      [job.name],
    );
    expect(beat.ok).toBe(true);
  });

  it('the delivery job releases claimed deliveries it has not attempted: due again, attempt uncounted', async () => {
    const { client } = await signUp(app.getHttpServer());
    // Loopback port 1: an attempt would fail and count.
    for (const path of ['/a', '/b']) {
      await client.post('/v1/webhooks', { url: `http://127.0.0.1:1${path}`, events: ['post.published'] }).expect(201);
    }
    await client.post('/v1/posts', { title: 'Live', publishAt: new Date(Date.now() - 1000).toISOString() }).expect(201);
    await app.get(PublicationEventsJob).run();
    const deliveries = () =>
      query<{ state: string; attempts: number; due: boolean }>(
        scratch.url,
        'SELECT state, attempts, next_attempt_at <= now() AS due FROM webhook_deliveries ORDER BY id',
      );
    expect(await deliveries()).toEqual([
      { state: 'pending', attempts: 0, due: true },
      { state: 'pending', attempts: 0, due: true },
    ]);

    const stopping = new AbortController();
    stopping.abort();
    await app.get(WebhookDeliveryJob).run(stopping.signal);
    expect(await deliveries()).toEqual([
      { state: 'pending', attempts: 0, due: true },
      { state: 'pending', attempts: 0, due: true },
    ]);

    // Not stopping: both are attempted (and fail), which is what the release undid.
    await app.get(WebhookDeliveryJob).run(new AbortController().signal);
    expect((await deliveries()).map((d) => [d.state, d.attempts])).toEqual([
      ['retrying', 1],
      ['retrying', 1],
    ]);
  });
});

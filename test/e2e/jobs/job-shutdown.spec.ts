// What jobs do when shutdown begins: no new tick starts and a running one is awaited. (The
// delivery job abandons attempts in flight itself, on module destroy: see its own tests.)
import type { NestExpressApplication } from '@nestjs/platform-express';
import { applyMigrations } from '../../../src/database/migrations.js';
import type { Job } from '../../../src/jobs/job.js';
import { JobRunner } from '../../../src/jobs/job-runner.js';
import { createScratchDatabase, query } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';

describe('jobs at shutdown', () => {
  // A database of its own, so the probe job's heartbeat touches no one else's.
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let app: NestExpressApplication;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    await applyMigrations(scratch.url);
    app = await startTestApp({ DATABASE_URL: scratch.url });
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
});

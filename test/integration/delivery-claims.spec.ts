// Claiming deliveries: one in flight per endpoint, authors in turns, a per-author cap, and
// SKIP LOCKED leases, on a scratch database no running job touches.
import pg from 'pg';
import type { ReadyConfig } from '../../src/config/config.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { applyMigrations } from '../../src/database/migrations.js';
import { JobsRepository } from '../../src/jobs/jobs.repository.js';
import { createScratchDatabase } from '../support/databases.js';

describe('claiming webhook deliveries', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let db: pg.Client;
  let database: DatabaseService;
  let jobs: JobsRepository;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    await applyMigrations(scratch.url);
    db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    database = new DatabaseService({ databaseUrl: scratch.url, databasePoolSize: 4 } as ReadyConfig);
    jobs = new JobsRepository(database);
  });
  afterAll(async () => {
    await database?.onModuleDestroy();
    await db?.end();
    await scratch?.drop();
  });

  /** An author with `endpoints` endpoints and `posts` live posts: endpoints × posts due deliveries. */
  async function author(name: string, endpoints: number, posts: number): Promise<string> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO users (email, handle, display_name, password_hash) VALUES ($1 || '@x.test', $1, $1, 'x') RETURNING id`,
      [name],
    );
    const id = rows[0].id;
    for (let i = 0; i < endpoints; i++) {
      await db.query(`INSERT INTO webhook_endpoints (user_id, url, events, secret) VALUES ($1, $2, '{post.published}', 's')`, [
        id,
        `http://localhost/${name}/${i}`,
      ]);
    }
    for (let i = 0; i < posts; i++) {
      await db.query(`INSERT INTO posts (user_id, title, slug, publish_at, updated_at) VALUES ($1, $2, $2, now() - interval '1 hour', now())`, [
        id,
        `${name}-${i}`,
      ]);
    }
    return id;
  }

  it('takes authors in turns, one delivery per endpoint, and at most perAuthor of one author', async () => {
    const slow = await author('slow', 8, 3);
    const fast = await author('fast', 1, 2);
    const limits = { slots: 4, perAuthor: 2, leaseSeconds: 60 };
    const first = await jobs.claimDeliveries(limits);
    expect(first.filter((d) => d.userId === slow)).toHaveLength(2);
    expect(first.filter((d) => d.userId === fast)).toHaveLength(1);
    // The fast author's first event goes first; its second waits for the endpoint to be free.
    const [fastFirst] = first.filter((d) => d.userId === fast);
    expect((fastFirst.data as { post: { title: string } }).post.title).toBe('fast-0');

    // Everything claimable is in flight: the slow author is at its cap, the fast endpoint busy.
    expect(await jobs.claimDeliveries(limits)).toEqual([]);

    await jobs.delivered(fastFirst, 204);
    const second = await jobs.claimDeliveries(limits);
    expect(second.map((d) => (d.data as { post: { title: string } }).post.title)).toEqual(['fast-1']);

    // A slow delivery fails: its endpoint is free, and the author may claim one more.
    const slowOne = first.find((d) => d.userId === slow)!;
    await jobs.failed(slowOne, { status: null, error: 'timeout after 10s', retryInSeconds: 0, disableEndpoint: false });
    const third = await jobs.claimDeliveries(limits);
    expect(third).toHaveLength(1);
    expect(third[0].userId).toBe(slow);
  });

  it('never gives one endpoint to two claimers at once', async () => {
    await author('race', 3, 4);
    const limits = { slots: 16, perAuthor: 16, leaseSeconds: 60 };
    const claims = (await Promise.all(Array.from({ length: 6 }, () => jobs.claimDeliveries(limits)))).flat();
    const mine = claims.filter((d) => d.url.includes('/race/'));
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((d) => d.endpointId)).size).toBe(3);
  });
});

import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import request from 'supertest';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { useMigratedDatabase } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';
import { PublicCache } from '../../../src/public-reading/public-cache.js';
import { PublicCacheListener } from '../../../src/public-reading/public-cache-listener.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; fails after `ms` (generous: the machine is shared). */
async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

interface Instance {
  app: NestExpressApplication;
  cache: PublicCache;
  listener: PublicCacheListener;
  reader: ApiClient;
}

// The tests count hits: a database of this file's own, so that no other file's published
// post flushes the caches mid-test.
const database = useMigratedDatabase();

async function instance(env: Record<string, string> = {}): Promise<Instance> {
  const app = await startTestApp({ DATABASE_URL: database.appUrl, ...env });
  return { app, cache: app.get(PublicCache), listener: app.get(PublicCacheListener), reader: new ApiClient(app.getHttpServer()) };
}

const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((p) => p.id);

describe('the public cache (two instances on one database)', () => {
  let a: Instance;
  let b: Instance;
  let db: pg.Client;
  /** The database clock, which decides visibility. */
  const dbNow = async () => (await db.query<{ t: Date; us: string }>(`SELECT clock_timestamp() AS t`)).rows[0].t;

  beforeAll(async () => {
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    [a, b] = await Promise.all([instance(), instance()]);
  });
  afterAll(async () => {
    await Promise.all([a?.app.close(), b?.app.close()]);
    await db.end();
  });

  async function publishedPost(at = 'now() - interval \'1 minute\'') {
    const { client, user } = await signUp(a.app.getHttpServer());
    const [{ at: publishAt }] = (await db.query<{ at: Date }>(`SELECT ${at} AS at`)).rows;
    const post = (await client.post('/v1/posts', { title: 'Cached', publishAt: publishAt.toISOString() }).expect(201))
      .body as { id: string; slug: string };
    return { client, user, post, publishAt };
  }

  it('serves repeats from the cache with the same ETag, and 304 to a matching If-None-Match', async () => {
    const { user, post } = await publishedPost();
    const path = `/v1/public/authors/${user.handle}/posts/${post.slug}`;
    const first = await b.reader.get(path).expect(200);
    const hits = b.cache.stats.hits;
    const second = await b.reader.get(path).expect(200);
    expect(b.cache.stats.hits).toBe(hits + 1);
    expect(second.body).toEqual(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const notModified = await request(b.app.getHttpServer()).get(path).set('If-None-Match', first.headers.etag).expect(304);
    expect(notModified.text).toBeFalsy();
    expect(notModified.headers['content-type']).toBeUndefined();
    expect(notModified.headers.etag).toBe(first.headers.etag);
    // A hit (answered before routing) carries the headers a miss carries, no cookie among them.
    const names = (h: Record<string, unknown>) => Object.keys(h).filter((n) => n !== 'date').sort();
    expect(names(second.headers)).toEqual(names(first.headers));
    // ... with the same values, but for those that are per request or per second.
    const perRequest = ['date', 'x-request-id', 'ratelimit', 'cache-control'];
    const fixed = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([n]) => !perRequest.includes(n)));
    expect(fixed(second.headers)).toEqual(fixed(first.headers));
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(second.headers['x-request-id']).toEqual(expect.any(String));
    expect(second.headers['x-content-type-options']).toBe('nosniff');
    expect(second.headers['set-cookie']).toBeUndefined();
    const head = await request(b.app.getHttpServer()).head(path).expect(200);
    expect(head.headers.etag).toBe(first.headers.etag);
    expect(head.text).toBeFalsy();
    expect(head.headers['content-length']).toBe(first.headers['content-length']);
  });

  it('keeps only responses the route validated: a bad query is refused on every request', async () => {
    for (let i = 0; i < 2; i++) await b.reader.get('/v1/public/posts?limit=0').expect(400);
    for (let i = 0; i < 2; i++) await b.reader.get('/v1/public/posts?cursor=forged').expect(400);
  });

  it('shows a scheduled post at its instant and not a moment before, on every instance', async () => {
    const { user, post, publishAt } = await publishedPost(`now() + interval '1500 milliseconds'`);
    const list = `/v1/public/authors/${user.handle}/posts`;
    const page = `/v1/public/authors/${user.handle}/posts/${post.slug}`;
    const hitsBefore = [a.cache.stats.hits, b.cache.stats.hits];
    const seenAfter = new Map<Instance, number>([[a, 0], [b, 0]]);
    let probesBefore = 0;
    // Probe both instances back to back; each probe is bracketed by the database clock, so
    // a response that ended before the instant must lack the post and one that began at or
    // after it must have it (a probe straddling the instant may show either).
    while ([...seenAfter.values()].some((n) => n < 3)) {
      for (const node of [a, b]) {
        const began = await dbNow();
        const [listed, single] = await Promise.all([node.reader.get(list), node.reader.get(page)]);
        const ended = await dbNow();
        expect(listed.status).toBe(200);
        if (ended < publishAt) {
          probesBefore++;
          expect(ids(listed)).not.toContain(post.id);
          expect(single.status).toBe(404);
        } else if (began >= publishAt) {
          seenAfter.set(node, seenAfter.get(node)! + 1);
          expect(ids(listed)).toContain(post.id);
          expect(single.status).toBe(200);
        }
      }
    }
    expect(probesBefore).toBeGreaterThan(0);
    // The lists before the instant came from the cache, so it was the cache that expired.
    expect(a.cache.stats.hits).toBeGreaterThan(hitsBefore[0]);
    expect(b.cache.stats.hits).toBeGreaterThan(hitsBefore[1]);
  });

  it('drops a post unpublished on one instance from the other instance’s cache', async () => {
    const { client, user, post } = await publishedPost();
    const path = `/v1/public/authors/${user.handle}/posts/${post.slug}`;
    await b.reader.get(path).expect(200);
    const hits = b.cache.stats.hits;
    await b.reader.get(path).expect(200);
    expect(b.cache.stats.hits).toBe(hits + 1);

    const invalidations = b.cache.stats.invalidations;
    await client.post(`/v1/posts/${post.id}/unpublish`).expect(200);
    const committed = performance.now();
    await eventually(() => b.cache.stats.invalidations > invalidations);
    // How long the NOTIFY took to reach instance B; the 100 ms target is measured by the bench.
    console.info(`instance B invalidated ${(performance.now() - committed).toFixed(1)} ms after A's commit answered`);
    await b.reader.get(path).expect(404);
    const list = await b.reader.get(`/v1/public/authors/${user.handle}/posts`).expect(200);
    expect(ids(list)).not.toContain(post.id);
  });

  it('never stores a response computed before an invalidation that arrived while computing', async () => {
    const { user, post } = await publishedPost();
    const list = `/v1/public/authors/${user.handle}/posts`;
    const discarded = a.cache.stats.discarded;
    a.cache.testHooks.beforeStore = async () => {
      a.cache.testHooks.beforeStore = undefined;
      // The response (with the post) is computed; now the post goes off the air and the
      // notification arrives before the response would be stored.
      const invalidations = a.cache.stats.invalidations;
      await db.query('UPDATE posts SET publish_at = NULL WHERE id = $1', [post.id]);
      await eventually(() => a.cache.stats.invalidations > invalidations);
    };
    try {
      const stale = await a.reader.get(list).expect(200);
      expect(ids(stale)).toContain(post.id); // computed before the write: true when computed
      expect(a.cache.stats.discarded).toBe(discarded + 1);
      const fresh = await a.reader.get(list).expect(200);
      expect(ids(fresh)).not.toContain(post.id);
    } finally {
      a.cache.testHooks.beforeStore = undefined;
    }
  });

  it('bypasses the cache while its listener is cut off, and flushes when it is back', async () => {
    const { user, post } = await publishedPost();
    const list = `/v1/public/authors/${user.handle}/posts`;
    await a.reader.get(list).expect(200);
    await a.reader.get(list).expect(200);
    expect(a.cache.size.entries).toBeGreaterThan(0);

    let reconnect!: () => void;
    const held = new Promise<void>((resolve) => (reconnect = resolve));
    a.listener.testHooks.beforeReconnect = () => held;
    try {
      const pid = a.listener.backendPid;
      expect(pid).toEqual(expect.any(Number));
      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      await eventually(() => !a.cache.isListening);

      // Off the air while nobody listens: the notification is lost.
      await db.query('UPDATE posts SET publish_at = NULL WHERE id = $1', [post.id]);
      const [hits, bypasses] = [a.cache.stats.hits, a.cache.stats.bypasses];
      for (let i = 0; i < 3; i++) expect(ids(await a.reader.get(list).expect(200))).not.toContain(post.id);
      expect(a.cache.stats.hits).toBe(hits);
      expect(a.cache.stats.bypasses).toBe(bypasses + 3);
      expect(a.cache.size.entries).toBe(0);

      // Back on the air; the listener returns, and the cache serves again, exactly.
      await db.query(`UPDATE posts SET publish_at = now() - interval '1 minute' WHERE id = $1`, [post.id]);
      reconnect();
      await eventually(() => a.cache.isListening);
      expect(a.listener.backendPid).not.toBe(pid);
      expect(ids(await a.reader.get(list).expect(200))).toContain(post.id);
      const hitsAfter = a.cache.stats.hits;
      expect(ids(await a.reader.get(list).expect(200))).toContain(post.id);
      expect(a.cache.stats.hits).toBe(hitsAfter + 1);
    } finally {
      a.listener.testHooks.beforeReconnect = undefined;
      reconnect();
    }
  });
});

describe('the public cache switched off', () => {
  let off: Instance;
  beforeAll(async () => {
    off = await instance({ PUBLIC_CACHE: 'off' });
  });
  afterAll(() => off.app.close());

  it('serves every request from the database and holds no connection of its own', async () => {
    for (let i = 0; i < 3; i++) await off.reader.get('/v1/public/posts').expect(200);
    expect(off.cache.stats.hits).toBe(0);
    expect(off.cache.size.entries).toBe(0);
    expect(off.listener.backendPid).toBeNull();
  });
});

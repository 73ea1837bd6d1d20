import type { NestExpressApplication } from '@nestjs/platform-express';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { signUp } from '../../factories/user.factory.js';
import { useMigratedDatabase } from '../../support/databases.js';
import { startTestApp } from '../../support/test-app.js';
import { PublicCache } from '../../../src/public-reading/public-cache.js';
import { RateLimiter } from '../../../src/rate-limits/rate-limiter.service.js';
import { ShutdownState } from '../../../src/lifecycle/shutdown-state.js';

// Adversarial checks of the public cache's front door (public-cache-front-door.ts): what a
// hostile client sees from a hit must be what it sees from a miss of the same request.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a fresh connection, exactly as given (no client-side normalizing). */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw request line and headers, for request targets node's client will not send. */
function sendRaw(port: number, head: string) {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

const perRequest = new Set(['date', 'x-request-id', 'ratelimit', 'cache-control', 'connection', 'keep-alive']);
const stable = (h: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(h).filter(([name]) => !perRequest.has(name)).sort(([a], [b]) => a.localeCompare(b)));
/** What a client sees, but a problem's body (and so its ETag), which carries the request id. */
const seen = ({ status, headers, body }: Reply) =>
  status >= 400 ? { status, headers: { ...stable(headers), etag: undefined } } : { status, headers: stable(headers), body };

// The tests count hits: a database of this file's own, so that no other file's published
// post flushes the cache mid-test.
const database = useMigratedDatabase();

async function boot(env: Record<string, string> = {}) {
  const app = await startTestApp({ DATABASE_URL: database.appUrl, ...env });
  const server = app.getHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cache = app.get(PublicCache);
  while (!cache.isListening) await sleep(5);
  return { app, cache, port: (server.address() as AddressInfo).port };
}

async function publishedPost(app: NestExpressApplication, title: string) {
  const { client, user } = await signUp(app.getHttpServer());
  const post = (await client.post('/v1/posts', { title, publishAt: new Date(Date.now() - 60_000).toISOString() }).expect(201))
    .body as { slug: string };
  return { handle: user.handle as string, slug: post.slug };
}

/** The same request as a miss (empty cache) and as a hit (primed by a plain GET of the URL). */
async function missAndHit(
  port: number,
  cache: PublicCache,
  method: string,
  path: string,
  headers: Record<string, string> = {},
) {
  cache.invalidate();
  const missesBefore = cache.stats.misses;
  const miss = await send(port, method, path, headers);
  cache.invalidate();
  await send(port, 'GET', path);
  const hitsBefore = cache.stats.hits;
  const hit = await send(port, method, path, headers);
  return { miss, hit, wasMiss: cache.stats.misses > missesBefore, wasHit: cache.stats.hits > hitsBefore };
}

describe('the front door, attacked (no CORS)', () => {
  let app: NestExpressApplication;
  let cache: PublicCache;
  let port: number;
  let page: string;
  let list: string;

  beforeAll(async () => {
    ({ app, cache, port } = await boot());
    const { handle, slug } = await publishedPost(app, 'Café — 日本語 🎉 «ünïcödé»');
    page = `/v1/public/authors/${handle}/posts/${slug}`;
    list = `/v1/public/authors/${handle}/posts`;
  });
  afterAll(() => app?.close());

  const variants: Array<[string, string, Record<string, string>]> = [
    ['plain GET', 'GET', {}],
    ['HEAD', 'HEAD', {}],
    ['If-None-Match *', 'GET', { 'If-None-Match': '*' }],
    ['If-None-Match unrelated', 'GET', { 'If-None-Match': '"nope"' }],
    ['If-Modified-Since only', 'GET', { 'If-Modified-Since': new Date().toUTCString() }],
    ['Cache-Control: no-cache with *', 'GET', { 'If-None-Match': '*', 'Cache-Control': 'no-cache' }],
    ['Content-Type on a bodiless GET', 'GET', { 'Content-Type': 'text/plain' }],
    ['Content-Type json on a bodiless GET', 'GET', { 'Content-Type': 'application/json' }],
    ['bad X-Request-Id', 'GET', { 'X-Request-Id': 'a'.repeat(200) }],
    ['Expect 100-continue', 'GET', { Expect: '100-continue' }],
    ['Origin without CORS', 'GET', { Origin: 'https://evil.example' }],
  ];

  for (const [name, method, headers] of variants) {
    it(`answers ${name} as a miss would`, async () => {
      for (const path of [() => page, () => list]) {
        const { miss, hit } = await missAndHit(port, cache, method, path(), headers);
        expect(seen(hit)).toEqual(seen(miss));
      }
    });
  }

  it('answers matching ETags (weak, strong, in a list) as a miss would', async () => {
    const { headers } = await send(port, 'GET', page);
    const etag = headers.etag!;
    for (const inm of [etag, etag.replace(/^W\//, ''), `"x", ${etag}`, `${etag},"y"`]) {
      const { miss, hit } = await missAndHit(port, cache, 'GET', page, { 'If-None-Match': inm });
      expect([inm, hit.status, stable(hit.headers)]).toEqual([inm, miss.status, stable(miss.headers)]);
    }
  });

  it('serves URL variants as a miss would', async () => {
    for (const path of [
      `${list}?`,
      `${list}?limit=1`,
      `${list}#frag`,
      `${list.replace('/posts', '//posts')}`,
      `${list.toUpperCase().replace('/V1/PUBLIC/', '/v1/public/')}`,
      `${page.replace('/posts/', '/posts%2F')}`,
      `${list}/%2e%2e/posts`,
      `${list}?limit=1&limit=2`,
      `${list}?__proto__=1`,
      `${list}?cursor=%00`,
    ]) {
      const { miss, hit } = await missAndHit(port, cache, 'GET', path);
      expect([path, seen(hit)]).toEqual([path, seen(miss)]);
    }
  });

  it('answers an absolute-form request target as a miss would', async () => {
    const head = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
    cache.invalidate();
    const miss = await sendRaw(port, head(`http://x${list}`));
    const hit = await sendRaw(port, head(`http://x${list}`));
    expect(hit.split('\r\n')[0]).toBe(miss.split('\r\n')[0]);
  });

  it('survives a client that hangs up while its budget is spent', async () => {
    const limiter = app.get(RateLimiter);
    const spend = limiter.spend.bind(limiter);
    await send(port, 'GET', page);
    let spending = 0;
    limiter.spend = async (...args) => {
      spending++;
      await sleep(100);
      return spend(...args);
    };
    try {
      for (let i = 0; i < 5; i++) {
        const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${page} HTTP/1.1\r\nHost: x\r\n\r\n`));
        await new Promise((resolve) => setTimeout(resolve, 20));
        socket.destroy();
      }
      await sleep(300);
      expect(spending).toBeGreaterThan(0);
    } finally {
      limiter.spend = spend;
    }
    expect((await send(port, 'GET', page)).status).toBe(200);
  });

  it('answers pipelined requests in order when a slow hit comes before a miss', async () => {
    const limiter = app.get(RateLimiter);
    const spend = limiter.spend.bind(limiter);
    cache.invalidate();
    await send(port, 'GET', page);
    limiter.spend = async (...args) => {
      await sleep(50);
      return spend(...args);
    };
    try {
      const head = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
      const text = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () =>
          socket.write(head(page) + head(`${list}?limit=1`) + `GET ${page} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        );
        let received = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => (received += chunk));
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
      });
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
      expect(statuses).toEqual(['200', '200', '200']);
      const bodies = [...text.matchAll(/\r\n\r\n(\{[^\r]*?\})(?=HTTP|$)/g)].map((m) => JSON.parse(m[1]) as object);
      expect(bodies.map((b) => 'items' in b)).toEqual([false, true, false]);
    } finally {
      limiter.spend = spend;
    }
  });

  it('answers as a miss would when the limiter throws', async () => {
    const limiter = app.get(RateLimiter);
    const spend = limiter.spend.bind(limiter);
    await send(port, 'GET', page);
    limiter.spend = () => Promise.reject(new Error('boom'));
    try {
      const hit = await send(port, 'GET', page);
      cache.invalidate();
      const miss = await send(port, 'GET', page);
      expect(hit.status).toBe(miss.status);
    } finally {
      limiter.spend = spend;
    }
  });
});

describe('the front door with CORS on', () => {
  let app: NestExpressApplication;
  let cache: PublicCache;
  let port: number;
  let list: string;

  beforeAll(async () => {
    ({ app, cache, port } = await boot({ CORS_ORIGINS: 'https://app.example' }));
    const { handle } = await publishedPost(app, 'cors');
    list = `/v1/public/authors/${handle}/posts`;
  });
  afterAll(() => app?.close());

  it('sends a request without Origin the Vary a miss sends, so a shared cache keeps CORS apart', async () => {
    const { miss, hit, wasHit } = await missAndHit(port, cache, 'GET', list);
    expect(wasHit).toBe(true);
    expect(stable(hit.headers)).toEqual(stable(miss.headers));
  });

  it('answers a request with an allowed Origin with its CORS headers', async () => {
    const { miss, hit } = await missAndHit(port, cache, 'GET', list, { Origin: 'https://app.example' });
    expect(stable(hit.headers)).toEqual(stable(miss.headers));
  });
});

describe('the front door and the public budget', () => {
  let app: NestExpressApplication;
  let cache: PublicCache;
  let port: number;
  let list: string;

  beforeAll(async () => {
    ({ app, cache, port } = await boot({ RATE_LIMIT_PUBLIC_READS: '4' }));
    const { handle } = await publishedPost(app, 'budget');
    list = `/v1/public/authors/${handle}/posts`;
  });
  afterAll(() => app?.close());

  it('charges hits and misses from one budget per forwarded address, once each', async () => {
    const as = (ip: string) => ({ 'X-Forwarded-For': ip });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send(port, 'GET', list, as('10.9.9.9'))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    // Another forwarded address has its own budget, hit or not.
    expect((await send(port, 'GET', list, as('10.9.9.10'))).status).toBe(200);
    // IPv6 neighbours in one /64 share one.
    const v6: number[] = [];
    for (let i = 1; i <= 5; i++) v6.push((await send(port, 'GET', list, as(`2001:db8::${i}`))).status);
    expect(v6).toEqual([200, 200, 200, 200, 429]);
  });

  it('charges a hit invalidated while it spends only once', async () => {
    const limiter = app.get(RateLimiter);
    const spend = limiter.spend.bind(limiter);
    await send(port, 'GET', list, { 'X-Forwarded-For': '10.8.8.1' });
    limiter.spend = async (...args) => {
      const spent = await spend(...args);
      cache.invalidate();
      return spent;
    };
    try {
      const res = await send(port, 'GET', list, { 'X-Forwarded-For': '10.8.8.1' });
      expect(res.status).toBe(200);
      expect(res.headers.ratelimit).toBe(`"public";r=2;t=${/t=(\d+)/.exec(res.headers.ratelimit as string)![1]}`);
    } finally {
      limiter.spend = spend;
    }
  });
});

describe('the front door while shutting down, and with no proxy trusted', () => {
  let app: NestExpressApplication;
  let cache: PublicCache;
  let port: number;
  let list: string;

  beforeAll(async () => {
    ({ app, cache, port } = await boot({ TRUST_PROXY: 'false', RATE_LIMIT_PUBLIC_READS: '3' }));
    const { handle } = await publishedPost(app, 'drain');
    list = `/v1/public/authors/${handle}/posts`;
  });
  afterAll(() => app?.close());

  it('lets no X-Forwarded-For buy a fresh budget for hits when no proxy is trusted', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(port, 'GET', list, { 'X-Forwarded-For': `10.7.7.${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(cache.stats.hits).toBeGreaterThanOrEqual(2);
  });

  it('tells the client of a hit under way when shutdown begins to close its connection', async () => {
    const limiter = app.get(RateLimiter);
    const spend = limiter.spend.bind(limiter);
    // A fresh window for this address: the earlier test spent it all.
    limiter.spend = async (budget) => {
      app.get(ShutdownState).begin();
      return spend(budget, 'addr:drain-test');
    };
    try {
      const hits = cache.stats.hits;
      const res = await send(port, 'GET', list);
      expect(res.status).toBe(200);
      expect(cache.stats.hits).toBe(hits + 1);
      expect(res.headers.connection).toBe('close');
    } finally {
      limiter.spend = spend;
    }
  });
});

// npm run bench — Byline against a bare node:http + pg baseline doing the same work, on one
// machine, in one run (A B A B), with a seeded database of 10,000 users and 200,000 posts.
// Prints one table and writes it as JSON under bench/results/. Not part of npm test.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import signature from 'cookie-signature';
import pg from 'pg';
import { freePort, serverOrTemporary } from '../src/database/embedded-postgres.js';
import { applyMigrations, withDatabase } from '../src/database/migrations.js';
import { ensureApplicationLogin } from '../src/database/roles.js';
import { rlsCost } from './rls-cost.js';
import { loadConfig } from '../src/config/config.js';
import { RateLimiter } from '../src/rate-limits/rate-limiter.service.js';

// DATABASE_URL's server, else the local one on 5432, else an embedded server.
async function databaseServer(): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  const local = 'postgresql://postgres@127.0.0.1:5432/postgres';
  const probe = new pg.Client({ connectionString: local, connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
    return { url: local };
  } catch {
    return serverOrTemporary(undefined);
  } finally {
    await probe.end().catch(() => {});
  }
}

const server = await databaseServer();
const serverUrl = server.url;
const database = `byline_bench_${process.pid}`;
const url = withDatabase(serverUrl, database);
const secret = randomBytes(36).toString('base64url');
const password = 'bench-password-1';
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = 32;

const admin = new pg.Client({ connectionString: serverUrl });
const db = new pg.Client({ connectionString: url });

function cookieFor(sid: string): string {
  return `__Host-byline.sid=${encodeURIComponent(`s:${signature.sign(sid, secret)}`)}`;
}

const signedInCsrfToken = 'bench-signed-in-csrf-token';

async function seed() {
  const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  await db.query(
    `INSERT INTO users (email, handle, display_name, password_hash)
     SELECT 'u' || i || '@bench.example', 'u' || i, 'User ' || i, $1 FROM generate_series(1, 10000) i`,
    [passwordHash],
  );
  await db.query(`INSERT INTO user_roles (user_id, role_name) SELECT id, 'author' FROM users`);
  // 20 posts a user: 7 published, all within the last 30 days (a realistic recent history:
  // 140,000 posts, which the publication job must not re-read every tick), 1 scheduled,
  // 2 drafts. Inserted through the triggers, so each live post has its post.published event.
  await db.query(`
    INSERT INTO posts (user_id, title, slug, body, editorial_date, publish_at, created_at, updated_at)
    SELECT u.id, 'Post ' || g.n || ' by ' || u.handle, 'post-' || g.n, repeat('Lorem ipsum dolor sit amet. ', 20),
           (now() - g.n * interval '1 day')::date,
           CASE WHEN g.n % 10 < 7 THEN now() - g.n * interval '1 day' - random() * interval '1 day'
                WHEN g.n % 10 < 8 THEN now() + g.n * interval '1 day' END,
           now() - g.n * interval '1 day' - random() * interval '1 day', now()
    FROM users u CROSS JOIN generate_series(1, 20) AS g(n)`);
  const { rows: users } = await db.query<{ id: string }>('SELECT id FROM users ORDER BY random() LIMIT 200');
  const now = Date.now();
  const sess = (extra: object) => ({
    cookie: { originalMaxAge: 1_800_000, expires: new Date(now + 1_800_000).toISOString(), secure: true, httpOnly: true, path: '/', sameSite: 'lax' },
    handle: randomUUID(),
    createdAt: now,
    lastSeenAt: now,
    userAgent: 'bench',
    ip: '127.0.0.1',
    ...extra,
  });
  const signedIn = users.map((user) => ({ sid: randomBytes(24).toString('base64url'), sess: sess({ passport: { user: user.id }, csrfToken: signedInCsrfToken }) }));
  // Login needs a fresh anonymous session (with its CSRF token) per attempt.
  const anonymous = Array.from({ length: 12000 }, () => {
    const csrfToken = randomBytes(16).toString('base64url');
    return { sid: randomBytes(24).toString('base64url'), sess: sess({ csrfToken }), csrfToken };
  });
  for (const rows of [signedIn, anonymous]) {
    await db.query(
      `INSERT INTO "session" (sid, sess, expire)
       SELECT s->>'sid', (s->'sess')::json, now() + interval '1 day' FROM jsonb_array_elements($1::jsonb) s`,
      [JSON.stringify(rows.map(({ sid, sess: data }) => ({ sid, sess: data })))],
    );
  }
  await db.query('ANALYZE');
  return { signedIn: signedIn.map((s) => cookieFor(s.sid)), anonymous: anonymous.map((s) => ({ cookie: cookieFor(s.sid), token: s.csrfToken })) };
}

// BENCH_LOG_DIR=<dir> keeps each process's log there (otherwise discarded).
const logDir = process.env.BENCH_LOG_DIR;
if (logDir) await mkdir(logDir, { recursive: true });

function start(command: string, args: string[], env: Record<string, string>, name: string): ChildProcess {
  const output = logDir ? openSync(path.join(logDir, `${name.replace(/[^a-z0-9]+/gi, '-')}.log`), 'w') : 'ignore';
  // An IPC channel, for bench/probe.mjs's figures.
  return spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', output, 'inherit', 'ipc'] });
}

async function waitFor(url: string) {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

interface Figures { rps: number; p50: number; p99: number; errors: number; requests: number; statuses?: Record<string, number> }

async function load(base: string, scenario: Scenario, options: { duration?: number; rate?: number; connections?: number } = {}): Promise<Figures> {
  const result = await autocannon({
    url: base,
    connections: options.connections ?? scenario.connections ?? connections,
    duration: options.duration ?? seconds,
    overallRate: options.rate,
    requests: [scenario.request()],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // autocannon counts a timeout in both `errors` and `timeouts`: count it once.
    errors: result.errors + result.non2xx,
    requests: result.requests.total,
    statuses: { '1xx': result['1xx'], '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'], errors: result.errors },
  };
}

/**
 * One row of the table. `instance` names the Byline process it loads (instances, below);
 * `target` is the issue's goal for it. Issues 11 and 17 add their "cost of" rows here.
 */
interface Scenario {
  name: string;
  instance: InstanceName;
  request: () => autocannon.Request;
  connections?: number;
  target?: { ratio: number } | { rps: number };
}

/**
 * Latency at a steady rate: one request every 1/rate s, open loop. (autocannon's rate limit
 * sends each second's quota at once, so its latencies at a rate measure its own bursts.)
 */
async function paced(base: string, scenario: Scenario, rate: number, duration = seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const template = scenario.request();
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * duration; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const setup = template.setupRequest as ((r: autocannon.Request) => autocannon.Request) | undefined;
    const request = setup ? setup({ ...template, headers: { ...template.headers } }) : template;
    const sent = performance.now();
    pending.push(
      new Promise<void>((resolve) => {
        const req = http.request(`${base}${request.path}`, { method: request.method, headers: request.headers as http.OutgoingHttpHeaders, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode! >= 400) errors++;
            latencies.push(performance.now() - sent);
            resolve();
          });
        });
        req.on('error', () => {
          errors++;
          resolve();
        });
        req.end(request.body as string | undefined);
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return { rate, p50: at(0.5), p99: at(0.99), max: at(1), errors };
}

interface Probe {
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  poolWaitMs: { count: number; p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number };
}

/** Runs `work` inside a bench/probe.mjs window of `child`, returning both. */
async function probed<T>(child: ChildProcess, work: () => Promise<T>): Promise<[T, Probe]> {
  child.send('reset');
  const result = await work();
  const report = new Promise<Probe>((resolve) => child.once('message', (m) => resolve(m as Probe)));
  child.send('report');
  return [result, await report];
}

async function pgCounters() {
  const { rows: [row] } = await db.query(`
    SELECT d.xact_commit + d.xact_rollback AS xacts, d.tup_inserted + d.tup_updated + d.tup_deleted AS writes
    FROM pg_stat_database d WHERE d.datname = current_database()`);
  return { xacts: Number(row.xacts), writes: Number(row.writes) };
}

/**
 * Each session row's version (xmin: every INSERT or UPDATE makes a new one). Counting the
 * rows whose version changed is exact, where the statistics counters are flushed by each
 * backend in its own time and can carry writes made just before a run into it.
 */
async function sessionVersions(): Promise<Map<string, string>> {
  const { rows } = await db.query<{ sid: string; version: string }>('SELECT sid, xmin::text AS version FROM "session"');
  return new Map(rows.map((row) => [row.sid, row.version]));
}

async function counted<T extends Figures>(run: () => Promise<T>) {
  await db.query('SELECT pg_stat_force_next_flush()').catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const before = await pgCounters();
  const sessionsBefore = await sessionVersions();
  const figures = await run();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const after = await pgCounters();
  const sessionsAfter = await sessionVersions();
  return {
    ...figures,
    transactionsPerRequest: (after.xacts - before.xacts) / figures.requests,
    writesPerRequest: (after.writes - before.writes) / figures.requests,
    sessionWrites: [...sessionsAfter].filter(([sid, version]) => sessionsBefore.get(sid) !== version).length,
  };
}

/**
 * The public cache's invalidation delay: from the commit of an unpublish (sent here, so
 * the NOTIFY goes out at commit) to the first 404 from the instance that had the page
 * cached. Includes one HTTP round trip, so it is an upper bound.
 */
async function invalidationDelays(base: string, samples = 20): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < samples; i++) {
    const handle = `u${100 + i}`;
    const path = `${base}/v1/public/authors/${handle}/posts/post-2`;
    for (let j = 0; j < 2; j++) await (await fetch(path)).arrayBuffer();
    const { rows: [post] } = await db.query<{ id: string; publish_at: Date }>(
      `SELECT p.id, p.publish_at FROM posts p JOIN users u ON u.id = p.user_id WHERE u.handle = $1 AND p.slug = 'post-2'`,
      [handle],
    );
    await db.query('UPDATE posts SET publish_at = NULL WHERE id = $1', [post.id]);
    const committed = performance.now();
    for (;;) {
      const res = await fetch(path);
      await res.arrayBuffer();
      if (res.status === 404) break;
      if (performance.now() - committed > 5000) throw new Error('the cache kept an unpublished post for 5 s');
    }
    delays.push(performance.now() - committed);
    await db.query('UPDATE posts SET publish_at = $2 WHERE id = $1', [post.id, post.publish_at]);
  }
  return delays.sort((a, b) => a - b);
}

/**
 * The rate limiter's cost on the signed-in GET: the same build with RATE_LIMIT_ENABLED=false
 * beside the one with limits on (in process), loaded A B A B; with BENCH_REDIS_URL set, also
 * the limits shared through that Redis. Besides throughput, the server's CPU time per request
 * (from /proc), which a busy machine disturbs far less.
 */
async function limiterCost(env: Record<string, string>, scenario: Scenario, onBase: string, onPid: number) {
  const variants: Array<{ name: string; env: Record<string, string> }> = [{ name: 'off', env: { RATE_LIMIT_ENABLED: 'false' } }];
  if (process.env.BENCH_REDIS_URL) {
    variants.push({ name: 'redis', env: { REDIS_URL: process.env.BENCH_REDIS_URL, RATE_LIMIT_KEY_PREFIX: `byline-bench:${process.pid}` } });
  }
  const servers: Record<string, { base: string; pid: number }> = { 'in process': { base: onBase, pid: onPid } };
  const children: ChildProcess[] = [];
  const cpuMs = async (pid: number) => {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  };
  try {
    for (const variant of variants) {
      const port = await freePort();
      const child = start('node', ['--max-old-space-size=256', 'dist/main.js'], { ...env, ...variant.env, PORT: String(port) }, `limiter-${variant.name}`);
      children.push(child);
      servers[variant.name] = { base: `http://127.0.0.1:${port}`, pid: child.pid! };
      await waitFor(`${servers[variant.name].base}/health/live`);
      await load(servers[variant.name].base, scenario, { duration: 2 });
    }
    const runs: Record<string, Array<Figures & { cpuMs: number }>> = {};
    for (let round = 0; round < 2; round++) {
      for (const [name, { base, pid }] of Object.entries(servers)) {
        const before = await cpuMs(pid);
        const figures = await load(base, scenario);
        (runs[name] ??= []).push({ ...figures, cpuMs: (await cpuMs(pid)) - before });
      }
    }
    const figures = Object.fromEntries(
      Object.entries(runs).map(([name, list]) => [
        name,
        {
          rps: summarise(list).rps,
          cpuMsPerRequest: list.reduce((n, r) => n + r.cpuMs, 0) / list.reduce((n, r) => n + r.requests, 0),
        },
      ]),
    );
    const off = figures.off;
    const parts = Object.entries(figures)
      .filter(([name]) => name !== 'off')
      .map(([name, f]) =>
        `${name} ${f.rps.toFixed(0)}/s (${((1 - f.rps / off.rps) * 100).toFixed(1)}% fewer), ` +
        `${f.cpuMsPerRequest.toFixed(3)} ms CPU (${((f.cpuMsPerRequest / off.cpuMsPerRequest - 1) * 100).toFixed(1)}% more)`,
      );
    return { figures, summary: `off ${off.rps.toFixed(0)}/s, ${off.cpuMsPerRequest.toFixed(3)} ms CPU a request; ${parts.join('; ')}` };
  } finally {
    for (const child of children) child.kill('SIGTERM');
  }
}

/**
 * The limiter alone, in this process: CPU time per spend() over 200 spenders (in process,
 * and through BENCH_REDIS_URL when set). A tight loop, so a busy machine barely moves it.
 */
async function limiterMicro() {
  const results: Record<string, { cpuMicroseconds: number; wallMicroseconds: number }> = {};
  const variants: Record<string, Record<string, string>> = { 'in process': {} };
  if (process.env.BENCH_REDIS_URL) variants.redis = { REDIS_URL: process.env.BENCH_REDIS_URL, RATE_LIMIT_KEY_PREFIX: `byline-bench-micro:${process.pid}` };
  for (const [name, env] of Object.entries(variants)) {
    const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_READS: '10000000', ...env });
    const limiter = new RateLimiter({ ...config, databaseUrl: url });
    const calls = name === 'redis' ? 5000 : 50_000;
    for (let i = 0; i < 500; i++) await limiter.spend('reads', `user:${i % 200}`);
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let i = 0; i < calls; i++) await limiter.spend('reads', `user:${i % 200}`);
    const used = process.cpuUsage(cpu);
    results[name] = { cpuMicroseconds: (used.user + used.system) / calls, wallMicroseconds: ((performance.now() - wall) * 1000) / calls };
    limiter.onModuleDestroy();
  }
  return results;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const summarise = (runs: Figures[]): Figures => ({
  rps: mean(runs.map((r) => r.rps)),
  p50: mean(runs.map((r) => r.p50)),
  p99: mean(runs.map((r) => r.p99)),
  errors: runs.reduce((n, r) => n + r.errors, 0),
  requests: runs.reduce((n, r) => n + r.requests, 0),
});

/**
 * The Byline processes of a run, each the production build with these settings on top.
 * (Row-level security off is the owner's instance below, started apart for bench/rls-cost.ts.)
 */
const instances = {
  byline: {},
  'byline, public cache off': { PUBLIC_CACHE: 'off' },
} satisfies Record<string, Record<string, string>>;
type InstanceName = keyof typeof instances;

async function main() {
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const processes: ChildProcess[] = [];
  try {
    await applyMigrations(url);
    // Byline runs as its own role, bound by row-level security, as in production.
    const appUrl = await ensureApplicationLogin(url);
    await db.connect();
    console.log('seeding 10,000 users and 200,000 posts (70,000 published in the last 30 days, with their events) ...');
    const sessions = await seed();

    // BENCH_NODE_ARGS, e.g. --cpu-prof, for profiling Byline under the same load.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // BENCH_ENV='NAME=value ...': settings for every Byline instance, for A/B trials
    // (e.g. JOBS_ENABLED=false, PASSWORD_HASH_CONCURRENCY=2).
    const extraEnv = Object.fromEntries((process.env.BENCH_ENV ?? '').split(' ').filter(Boolean).map((pair) => pair.split('=') as [string, string]));
    const bylineEnv: Record<string, string> = {
      NODE_ENV: 'production', DATABASE_URL: appUrl, SESSION_SECRET: secret, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      // The limiter stays on and counts every request, but the load comes from one address
      // and 200 users, far past the real budgets; limiterCost() measures what it costs.
      RATE_LIMIT_WRITES: '10000000', RATE_LIMIT_READS: '10000000', RATE_LIMIT_PUBLIC_READS: '10000000',
    };
    const byline = {} as Record<InstanceName, { base: string; child: ChildProcess }>;
    for (const [name, env] of Object.entries(instances) as Array<[InstanceName, Record<string, string>]>) {
      const port = await freePort();
      // As the production image runs it (Dockerfile): a bounded old generation, so V8 collects
      // instead of growing toward the machine's memory (bench/README.md).
      const child = start('node', ['--max-old-space-size=256', '--import', './bench/probe.mjs', ...nodeArgs, 'dist/main.js'], {
        ...bylineEnv,
        PORT: String(port),
        // One instance runs the jobs, as one would win the advisory lock in production.
        JOBS_ENABLED: name === 'byline' ? 'true' : 'false',
        ...extraEnv,
        ...env,
      }, name);
      processes.push(child);
      byline[name] = { base: `http://127.0.0.1:${port}`, child };
    }
    const baselinePort = await freePort();
    const baseline = start('node', ['bench/baseline-server.mjs'], { DATABASE_URL: url, SESSION_SECRET: secret, PORT: String(baselinePort) }, 'baseline');
    processes.push(baseline);
    // The same build as the owner, a superuser that policies do not bind: "RLS off" (bench/rls-cost.ts).
    const ownerPort = await freePort();
    const asOwner = start('node', ['--max-old-space-size=256', 'dist/main.js'], {
      ...bylineEnv, ...extraEnv, DATABASE_URL: url, PORT: String(ownerPort), LOG_LEVEL: 'warn', JOBS_ENABLED: 'false',
    }, 'byline as owner');
    processes.push(asOwner);
    const B = `http://127.0.0.1:${baselinePort}`;
    for (const { base } of Object.values(byline)) await waitFor(`${base}/health/live`);
    await waitFor(`${B}/v1/public/posts`);
    const A = byline.byline.base;

    let cookie = 0;
    let anonymous = 0;
    const signedInHeaders = (r: autocannon.Request) => ({ ...r.headers, cookie: sessions.signedIn[cookie++ % sessions.signedIn.length] });
    const bySlug = (instance: InstanceName, target?: Scenario['target']): Scenario => ({
      name: `GET /v1/public/authors/:handle/posts/:slug${instance === 'byline' ? ' (cache on)' : ' (cache off)'}`,
      instance,
      target,
      request: () => ({ method: 'GET', path: '/', setupRequest: (r) => ({ ...r, path: `/v1/public/authors/u${1 + Math.floor(Math.random() * 10000)}/posts/post-${[1, 2, 3, 4, 5, 6, 11][Math.floor(Math.random() * 7)]}` }) }),
    });
    const publicList = (instance: InstanceName, target: Scenario['target']): Scenario => ({
      name: `GET /v1/public/posts${instance === 'byline' ? ' (cache on)' : ' (cache off)'}`,
      instance,
      target,
      request: () => ({ method: 'GET', path: '/v1/public/posts' }),
    });
    const scenarios: Scenario[] = [
      { name: 'GET /v1/posts (signed in)', instance: 'byline', target: { ratio: 0.4 }, request: () => ({ method: 'GET', path: '/v1/posts', setupRequest: (r) => ({ ...r, headers: signedInHeaders(r) }) }) },
      publicList('byline, public cache off', { ratio: 0.4 }),
      publicList('byline', { ratio: 3.0 }),
      bySlug('byline, public cache off', { ratio: 0.4 }),
      bySlug('byline'),
      {
        name: 'POST /v1/auth/login',
        instance: 'byline',
        connections: 16,
        target: { rps: 80 },
        request: () => ({
          method: 'POST',
          path: '/v1/auth/login',
          setupRequest: (r) => {
            const session = sessions.anonymous[anonymous++ % sessions.anonymous.length];
            return { ...r, headers: { ...r.headers, 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.token }, body: JSON.stringify({ email: `u${1 + Math.floor(Math.random() * 10000)}@bench.example`, password }) };
          },
        }),
      },
      {
        // A draft (no publishAt), so it does not flush the public cache; with Idempotency-Key,
        // which issue 17 makes Byline keep (until then the header is ignored).
        name: 'POST /v1/posts (Idempotency-Key)',
        instance: 'byline',
        request: () => ({
          method: 'POST',
          path: '/v1/posts',
          setupRequest: (r) => ({
            ...r,
            headers: { ...signedInHeaders(r), 'content-type': 'application/json', 'x-csrf-token': signedInCsrfToken, 'idempotency-key': randomUUID() },
            body: JSON.stringify({ title: `Bench ${randomUUID()}` }),
          }),
        }),
      },
    ];
    const [authGet] = scenarios;
    const login = scenarios.find((s) => s.name === 'POST /v1/auth/login')!;

    for (const s of scenarios.filter((x) => x.request().method === 'GET')) {
      await load(byline[s.instance].base, s, { duration: 2 });
      await load(B, s, { duration: 2 });
    }

    const C = `http://127.0.0.1:${ownerPort}`;
    await waitFor(`${C}/health/live`);
    await load(C, authGet, { duration: 2 });
    const userIds = (await db.query<{ id: string }>('SELECT id FROM users LIMIT 200')).rows.map((r) => r.id);
    const rls = await rlsCost({ measure: (base) => load(base, authGet), on: A, off: C, appUrl, ownerUrl: url, userIds });
    console.log(
      `  RLS on the signed-in list: over HTTP ${rls.http.on.rps.toFixed(0)}/s on, ${rls.http.off.rps.toFixed(0)}/s off (${(rls.http.cost * 100).toFixed(1)}%); ` +
        `the list query at the database ${rls.sql.onMicros.toFixed(0)} µs on, ${rls.sql.offMicros.toFixed(0)} µs off (${(rls.sql.cost * 100).toFixed(1)}%)`,
    );

    // BENCH_ONLY=<text> runs only the scenarios whose name contains it (for quick trials).
    const only = process.env.BENCH_ONLY;
    const chosen = only ? scenarios.filter((s) => s.name.includes(only)) : scenarios;
    const rows = [];
    let authGetCounts: Awaited<ReturnType<typeof counted>> | undefined;
    for (const scenario of chosen) {
      const target = byline[scenario.instance].base;
      // autocannon stops with requests still queued in the server (sign-ins waiting for a
      // hashing slot): let them finish, or the next run meets a full queue and 503s.
      const settled = async <T>(run: T | Promise<T>) => {
        const result = await run;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return result;
      };
      // Sessions are rewritten at most once a minute (the touch window): one GET per session
      // first starts every window, so the counted run lies inside them all.
      if (scenario === authGet) await Promise.all(sessions.signedIn.map((cookie) => fetch(`${target}/v1/posts`, { headers: { cookie } }).then((r) => r.arrayBuffer())));
      const byline1 = await settled(scenario === authGet ? (authGetCounts = await counted(() => load(target, scenario))) : load(target, scenario));
      const base1 = await settled(load(B, scenario));
      const byline2 = await settled(load(target, scenario));
      const base2 = await settled(load(B, scenario));
      const a = summarise([byline1, byline2]);
      const b = summarise([base1, base2]);
      rows.push({ scenario: scenario.name, instance: scenario.instance, target: scenario.target, byline: a, baseline: b, ratio: a.rps / b.rps, statuses: [byline1.statuses, byline2.statuses] });
      console.log(`  ${scenario.name}: Byline ${a.rps.toFixed(0)}/s (${a.errors} errors), baseline ${b.rps.toFixed(0)}/s`);
    }

    // BENCH_ONLY=limiter runs only the rate limiter's cost.
    const limiter = !only || only === 'limiter' ? await limiterCost({ ...bylineEnv, JOBS_ENABLED: 'false' }, authGet, A, byline.byline.child.pid!) : undefined;
    if (limiter) console.log(`  rate limiter on the signed-in GET: ${limiter.summary}`);
    const limiterAlone = limiter && (await limiterMicro());
    if (limiterAlone) console.log(`  the limiter alone, per request: ${JSON.stringify(limiterAlone)}`);

    if (only) {
      for (const row of rows) console.log(`${row.scenario}: ratio ${row.ratio.toFixed(3)}`);
      if (rows[0]?.scenario !== authGet.name) return;
      const rate = Math.round(rows[0].byline.rps / 2);
      const [[a, probe], b] = [await probed(byline.byline.child, () => paced(A, authGet, rate)), await paced(B, authGet, rate)];
      console.log(`paced ${rate}/s: Byline p50 ${a.p50} p99 ${a.p99} max ${a.max}; baseline p50 ${b.p50} p99 ${b.p99}`);
      console.log(`  Byline's event loop, pool and GC over that run: ${JSON.stringify(probe)}`);
      const [[withLogins, logins], loginProbe] = await probed(byline.byline.child, () => Promise.all([paced(A, authGet, rate), load(A, login)]));
      console.log(`paced ${rate}/s while logins run flat out (${logins.rps.toFixed(0)}/s, ${logins.errors} errors): p50 ${withLogins.p50} p99 ${withLogins.p99} max ${withLogins.max}`);
      console.log(`  Byline's event loop, pool and GC over that run: ${JSON.stringify(loginProbe)}`);
      return;
    }
    const saturation = rows[0].byline.rps;
    const half = Math.round(saturation / 2);
    const [halfRate, halfProbe] = await probed(byline.byline.child, () => paced(A, authGet, half));
    const baselineHalfRate = await paced(B, authGet, half);
    const [[halfWithLogins, loginsAlongside], loginsProbe] = await probed(byline.byline.child, () =>
      Promise.all([paced(A, authGet, half), load(A, login)]),
    );
    const delays = await invalidationDelays(A);
    // Warm by now (every route has run, and Argon2's buffers have been allocated), so what
    // the next minute adds is growth, not start-up.
    const memoryAfterWarmUp = await rssMiB(byline.byline.child.pid!);
    // With BENCH_NODE_ARGS=--heapsnapshot-signal=SIGUSR2, a heap snapshot (taken after a full
    // GC) brackets the minute, to tell live-heap growth from an allocator that keeps pages.
    const snapshot = () => nodeArgs.some((a) => a.startsWith('--heapsnapshot-signal')) && byline.byline.child.kill('SIGUSR2');
    snapshot();
    console.log('  60 s of signed-in load for the memory check ...');
    await load(A, authGet, { duration: 60 });
    const memoryAfterLoad = await rssMiB(byline.byline.child.pid!);
    snapshot();
    await new Promise((resolve) => setTimeout(resolve, 5000));

    const report = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() },
      seconds,
      connections,
      rows,
      signedInGet: {
        transactionsPerRequest: authGetCounts!.transactionsPerRequest,
        writesPerRequest: authGetCounts!.writesPerRequest,
        sessionTableWrites: authGetCounts!.sessionWrites,
        halfSaturationRate: half,
        atHalfSaturation: { ...halfRate, probe: halfProbe },
        baselineAtHalfSaturation: baselineHalfRate,
        atHalfSaturationDuringLogins: { ...halfWithLogins, probe: loginsProbe, logins: loginsAlongside },
      },
      invalidationDelayMs: { median: delays[Math.floor(delays.length / 2)], max: delays[delays.length - 1], samples: delays.length },
      memoryMiB: { afterWarmUp: memoryAfterWarmUp, after60sOfLoad: memoryAfterLoad },
      rowLevelSecurity: rls,
      rateLimiter: { ...limiter, alone: limiterAlone },
    };
    await mkdir('bench/results', { recursive: true });
    const file = path.join('bench/results', `${report.at.replace(/[:.]/g, '-')}.json`);
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);

    console.log('\n| route | instance | Byline req/s | p50 ms | p99 ms | errors | baseline req/s | p50 ms | p99 ms | errors | Byline ÷ baseline |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const row of rows) {
      const f = (x: Figures) => `${x.rps.toFixed(0)} | ${x.p50} | ${x.p99} | ${x.errors}`;
      console.log(`| ${row.scenario} | ${row.instance} | ${f(row.byline)} | ${f(row.baseline)} | ${row.ratio.toFixed(2)} |`);
    }
    const s = report.signedInGet;
    const p = (x: Probe) => `event-loop delay p99 ${x.eventLoopDelayMs.p99} ms (max ${x.eventLoopDelayMs.max}), pool wait p99 ${x.poolWaitMs.p99} ms (max ${x.poolWaitMs.max}, ${x.poolWaitMs.count} checkouts), GC ${x.gc.count} pauses, ${x.gc.totalMs} ms in all, longest ${x.gc.maxMs} ms`;
    console.log(`\nSigned-in GET: ${s.transactionsPerRequest.toFixed(2)} PostgreSQL round trips and ${s.writesPerRequest.toFixed(3)} row writes per request; ${s.sessionTableWrites} writes to the session table.`);
    console.log(`At half saturation (${half}/s): p50 ${halfRate.p50} ms, p99 ${halfRate.p99} ms, max ${halfRate.max} ms (the baseline's p99 at that rate: ${baselineHalfRate.p99} ms); Byline's ${p(halfProbe)}.`);
    console.log(`The same while logins run flat out (${loginsAlongside.rps.toFixed(0)} logins/s, ${loginsAlongside.errors} refused or failed): p50 ${halfWithLogins.p50} ms, p99 ${halfWithLogins.p99} ms, max ${halfWithLogins.max} ms, ${halfWithLogins.errors} errors; ${p(loginsProbe)}.`);
    console.log(`Public cache invalidation, commit → 404 on the instance that had it cached: median ${report.invalidationDelayMs.median.toFixed(1)} ms, max ${report.invalidationDelayMs.max.toFixed(1)} ms over ${delays.length} unpublishes.`);
    console.log(`Byline RSS: ${report.memoryMiB.afterWarmUp.toFixed(1)} MiB after warm-up, ${report.memoryMiB.after60sOfLoad.toFixed(1)} MiB after 60 s more load.`);
    console.log(`Row-level security on the signed-in list: ${(rls.http.cost * 100).toFixed(1)}% fewer req/s than the same build as a superuser (target ≤ 10%); ${(rls.sql.cost * 100).toFixed(1)}% on the list query at the database, transaction and tenant included (bench/README.md).`);
    console.log(`Rate limiter on the signed-in GET: ${limiter!.summary}; alone, per request: ${JSON.stringify(limiterAlone)}.`);

    // Every target of issue 18, with its figure, from this run.
    const targets: Array<{ target: string; figure: string; met: boolean | null }> = [];
    for (const row of rows) {
      const goal = row.target;
      if (!goal) continue;
      if ('ratio' in goal) targets.push({ target: `${row.scenario}: Byline ÷ baseline ≥ ${goal.ratio}, zero errors`, figure: `${row.ratio.toFixed(2)}, ${row.byline.errors} errors`, met: row.ratio >= goal.ratio && row.byline.errors === 0 });
      else targets.push({ target: `${row.scenario}: ≥ ${goal.rps}/s, zero errors`, figure: `${row.byline.rps.toFixed(0)}/s, ${row.byline.errors} errors`, met: row.byline.rps >= goal.rps && row.byline.errors === 0 });
    }
    targets.push(
      { target: 'signed-in list p99 at half saturation ≤ 25 ms', figure: `${halfRate.p99} ms at ${half}/s`, met: halfRate.p99 <= 25 && halfRate.errors === 0 },
      { target: 'the same while logins run flat out ≤ 2 × 25 ms', figure: `${halfWithLogins.p99} ms (${(halfWithLogins.p99 / halfRate.p99).toFixed(2)} × the p99 without logins; ${loginsAlongside.rps.toFixed(0)} logins/s)`, met: halfWithLogins.p99 <= 50 && halfWithLogins.errors === 0 },
      {
        // Rate limits: limiterCost() (issue 17). Row-level security: rlsCost() (issue 11).
        // Measured apart, so their sum stands for "together".
        target: 'row-level security and rate limits together cost ≤ 10% of signed-in throughput',
        figure: `rate limits (in process): ${((1 - limiter!.figures['in process'].rps / limiter!.figures.off.rps) * 100).toFixed(1)}% fewer requests/s; row-level security: ${(rls.http.cost * 100).toFixed(1)}% fewer requests/s`,
        met: (1 - limiter!.figures['in process'].rps / limiter!.figures.off.rps) + rls.http.cost <= 0.1,
      },
      { target: '0 session writes per GET inside the touch window', figure: `${s.sessionTableWrites} writes over ${authGetCounts!.requests} GETs`, met: s.sessionTableWrites === 0 },
      { target: 'resident memory flat over the minute (within 10%)', figure: `${memoryAfterWarmUp.toFixed(0)} → ${memoryAfterLoad.toFixed(0)} MiB`, met: memoryAfterLoad <= memoryAfterWarmUp * 1.1 },
      { target: 'an unpublish leaves other instances’ caches within 100 ms of commit', figure: `max ${report.invalidationDelayMs.max.toFixed(1)} ms (median ${report.invalidationDelayMs.median.toFixed(1)})`, met: report.invalidationDelayMs.max <= 100 },
    );
    console.log('\n| target | figure | met |');
    console.log('|---|---|---|');
    for (const t of targets) console.log(`| ${t.target} | ${t.figure} | ${t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met'} |`);
    console.log(`\nLoad average during the run: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} on ${os.cpus().length} cores (above the core count, other work shared the machine).`);
    console.log(`Written to ${file}`);
    await writeFile(file, `${JSON.stringify({ ...report, targets }, null, 2)}\n`);
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    await db.end().catch(() => {});
    if (process.env.BENCH_KEEP_DB) console.log(`Kept ${url} (BENCH_KEEP_DB)`);
    else await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
    await server.stop?.();
  }
}

await main();

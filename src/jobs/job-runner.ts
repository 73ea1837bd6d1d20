import { Injectable, Logger } from '@nestjs/common';
import { databaseUnavailability } from '../database/database-errors.js';
import { DatabaseService } from '../database/database.service.js';
import type { Job } from './job.js';
import { backoffSeconds } from './job-backoff.js';

/** Runs job ticks: never overlapping in one process, exclusive ones once across instances. */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  private readonly running = new Map<string, Promise<boolean>>();
  /** Per job: consecutive ticks the database refused, and until when to skip ticks. */
  private readonly backoff = new Map<string, { failures: number; until: number }>();
  private readonly stopping = new AbortController();

  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('jobs: heartbeats are platform records');
  }

  async register(job: Job): Promise<void> {
    await this.db.jobHeartbeat.upsert({
      where: { name: job.name },
      create: { name: job.name, intervalSeconds: job.intervalSeconds },
      update: { intervalSeconds: job.intervalSeconds },
    });
  }

  /**
   * One tick; false when skipped (still running here, another instance holds the lock,
   * backing off while the database is unavailable, or shutting down).
   */
  tick(job: Job): Promise<boolean> {
    if (this.stopping.signal.aborted || this.running.has(job.name)) return Promise.resolve(false);
    const backoff = this.backoff.get(job.name);
    if (backoff && Date.now() < backoff.until) return Promise.resolve(false);
    const tick = this.runTick(job).finally(() => this.running.delete(job.name));
    this.running.set(job.name, tick);
    return tick;
  }

  private async runTick(job: Job): Promise<boolean> {
    try {
      const work = () => this.beat(job);
      const ran = job.exclusive
        ? await this.database.withAdvisoryLock(`byline:job:${job.name}`, work)
        : (await work(), true);
      this.backoff.delete(job.name);
      return ran;
    } catch (error) {
      // The database is away (or this process is closing its pool): wait before the next
      // try instead of failing every interval, and never let the error escape the timer.
      const unavailable = databaseUnavailability(error);
      if (unavailable) {
        const failures = (this.backoff.get(job.name)?.failures ?? 0) + 1;
        const seconds = backoffSeconds(job.intervalSeconds, failures);
        this.backoff.set(job.name, { failures, until: Date.now() + seconds * 1000 });
        this.logger.warn(`job ${job.name}: database ${unavailable}; next try in ${seconds}s`);
      } else {
        this.logger.error(`job ${job.name} could not run: ${(error as Error).message}`);
      }
      return false;
    }
  }

  // Heartbeats use the database clock, the one /health/jobs judges them by.
  private async beat(job: Job): Promise<void> {
    await this.db.$executeRaw`UPDATE job_heartbeats SET last_started_at = now() WHERE name = ${job.name}`;
    try {
      await job.run(this.stopping.signal);
      await this.db.$executeRaw`UPDATE job_heartbeats SET last_succeeded_at = now() WHERE name = ${job.name}`;
    } catch (error) {
      if (databaseUnavailability(error)) throw error;
      const message = (error as Error).message.slice(0, 1000);
      this.logger.error(`job ${job.name} failed: ${message}`);
      await this.db.$executeRaw`
        UPDATE job_heartbeats SET last_failed_at = now(), last_error = ${message} WHERE name = ${job.name}`;
    }
  }

  /**
   * Shutdown: no tick starts any more, running ones are told to stop taking work (they
   * finish what they hold or release it) and are awaited for at most `timeoutMs`.
   * Returns the names of the jobs still running when the time ran out.
   */
  async stop(timeoutMs: number): Promise<string[]> {
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.running.values()),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    return [...this.running.keys()];
  }

  /** How many ticks are running now. */
  get active(): number {
    return this.running.size;
  }
}

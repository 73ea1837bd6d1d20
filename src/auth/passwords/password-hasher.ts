import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';
import { APP_CONFIG } from '../../config/config.module.js';
import type { ReadyConfig } from '../../config/config.js';
import { ProblemError } from '../../http/problems.js';
import { HashingGate } from './hashing-gate.js';

// OWASP's Argon2id minimum: 19 MiB, 2 iterations, 1 lane. (@node-rs/argon2 rather than
// argon2: the latter's prebuilt binary crashes on these machines.)
const argon2id = 2; // Algorithm.Argon2id; a const enum, which isolatedModules cannot import
const options = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Every hashing slot and queue place is taken: come back in a moment. */
export class HashingBusyProblem extends ProblemError {
  constructor() {
    super(503, 'busy', 'Service Unavailable', 'Too many sign-ins at once; try again in a moment.', {
      'Retry-After': '1',
    });
  }
}

/**
 * The hash of a random password nobody knows, at the same parameters as every account's, so
 * an unknown email costs exactly what a wrong password costs, from the first attempt on.
 */
const noAccountHash = '$argon2id$v=19$m=19456,t=2,p=1$Jj8ZG7AX+lNgiuwcgWcmjA$yeBHrUD6WltIxfxGeqY3xUhzeuIVLbWhlk6GE9z+8AU';

/**
 * Nice value of the hashing threads (19, the lowest priority). Linux schedules each
 * thread by its own nice value, so the event loop and PostgreSQL (nice 0) run first
 * whenever they have work, and Argon2 gets the CPU they leave: sign-ins use every idle
 * core but cannot starve reads.
 */
const hashingNice = 19;

@Injectable()
export class PasswordHasher implements OnModuleDestroy {
  /** At most `capacity` Argon2 runs at once (default: the cores), and a short queue behind. */
  private readonly gate: HashingGate;
  private readonly threads: Piscina;

  constructor(@Inject(APP_CONFIG) config: ReadyConfig) {
    const { concurrency, queue } = config.passwordHashing;
    this.gate = new HashingGate(concurrency, queue);
    this.threads = new Piscina({
      filename: new URL('./argon2.worker.mjs', import.meta.url).href,
      // Started on the first sign-in, kept while sign-ins keep coming.
      minThreads: 0,
      maxThreads: concurrency,
      idleTimeout: 60_000,
      niceIncrement: hashingNice,
    });
  }

  hash(password: string): Promise<string> {
    return this.gated(() => this.threads.run({ password, options }) as Promise<string>);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.gated(() => this.threads.run({ password, hash: passwordHash, options }) as Promise<boolean>);
  }

  /** Verifies against a fixed hash when no account matches, so both paths cost one Argon2 run. */
  async verifyAgainstNothing(password: string): Promise<false> {
    await this.verify(noAccountHash, password);
    return false;
  }

  async onModuleDestroy(): Promise<void> {
    await this.threads.destroy();
  }

  private async gated<T>(work: () => Promise<T>): Promise<T> {
    const result = await this.gate.run(work);
    if (!result) throw new HashingBusyProblem();
    return result.value;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
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

@Injectable()
export class PasswordHasher {
  /**
   * At most `capacity` Argon2 runs at once (default: one less than the cores, at least
   * one), so a flood of sign-ins leaves a core to the readers; a short queue behind them.
   */
  private readonly gate: HashingGate;
  /** Verified against when no account matches, so both paths cost one Argon2 run. */
  private readonly dummyHash = hash('byline-no-such-account', options);

  constructor(@Inject(APP_CONFIG) config: ReadyConfig) {
    this.gate = new HashingGate(config.passwordHashing.concurrency, config.passwordHashing.queue);
  }

  hash(password: string): Promise<string> {
    return this.gated(() => hash(password, options));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.gated(() => verify(passwordHash, password));
  }

  async verifyAgainstNothing(password: string): Promise<false> {
    const dummy = await this.dummyHash;
    await this.gated(() => verify(dummy, password));
    return false;
  }

  private async gated<T>(work: () => Promise<T>): Promise<T> {
    const result = await this.gate.run(work);
    if (!result) throw new HashingBusyProblem();
    return result.value;
  }
}

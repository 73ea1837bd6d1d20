import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

// OWASP's Argon2id minimum: 19 MiB, 2 iterations, 1 lane. (@node-rs/argon2 rather than
// argon2: the latter's prebuilt binary crashes on these machines.)
const argon2id = 2; // Algorithm.Argon2id; a const enum, which isolatedModules cannot import
const options = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

@Injectable()
export class PasswordHasher {
  /** Verified against when no account matches, so both paths cost one Argon2 run. */
  private readonly dummyHash = hash('byline-no-such-account', options);

  hash(password: string): Promise<string> {
    return hash(password, options);
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password);
  }

  async verifyAgainstNothing(password: string): Promise<false> {
    await verify(await this.dummyHash, password);
    return false;
  }
}

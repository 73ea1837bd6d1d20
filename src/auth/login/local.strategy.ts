import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { AuditLog } from '../../audit/audit-log.js';
import { originOf } from '../../audit/origin.js';
import { TooManyRequestsProblem, UnauthorizedProblem } from '../../http/problems.js';
import type { Account } from '../auth-user.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { runAsTenant } from '../../database/tenant/tenant-context.js';
import { UsersRepository } from '../users/users.repository.js';
import { normalizeEmail } from '../users/email.js';
import { accountKey, addressKey, LoginThrottle } from './login-throttle.js';

export const badCredentials = () => new UnauthorizedProblem('The email or password is incorrect.');

/** The hash each sign-in verified, kept until its session is written (confirm). */
const verifiedHashes = new WeakMap<Request, string>();

/**
 * Email and password. An unknown email, a disabled account and a wrong password all get the
 * same answer after the same Argon2 work, so responses do not tell which emails exist.
 */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
  ) {
    super({ usernameField: 'email', passReqToCallback: true });
  }

  /**
   * An attempt is anonymous until the password is verified, even on a request that carries
   * another session: its audit entries are written with no tenant (row-level security admits
   * an actor-less entry only then); the success is written as the account it proved.
   */
  validate(req: Request, rawEmail: string, password: string): Promise<Account> {
    return runAsTenant(null, () => this.attempt(req, rawEmail, password));
  }

  private async attempt(req: Request, rawEmail: string, password: string): Promise<Account> {
    const email = normalizeEmail(rawEmail);
    const account = accountKey(email);
    const address = addressKey(req.ip ?? 'unknown');
    const origin = { ...originOf(req), actor: { type: 'anonymous' as const, label: email } };
    try {
      // Counted before Argon2 runs; only a success gives the attempt back.
      await this.throttle.reserve([account, address]);
    } catch (error) {
      if (error instanceof TooManyRequestsProblem) {
        await this.audit.record(origin, { action: 'auth.login_failed', details: { email, reason: 'throttled' } });
      }
      throw error;
    }
    const found = await this.users.findCredentials(email);
    const verified = found
      ? await this.hasher.verify(found.passwordHash, password)
      : await this.hasher.verifyAgainstNothing(password);
    if (!found || !verified || found.disabledAt) {
      await this.audit.record(origin, {
        action: 'auth.login_failed',
        target: found ? { type: 'user', id: found.id } : undefined,
        details: { email, reason: found?.disabledAt && verified ? 'disabled' : 'bad-credentials' },
      });
      throw badCredentials();
    }
    await this.throttle.succeeded(account, address);
    verifiedHashes.set(req, found.passwordHash);
    const { passwordHash: _hash, disabledAt: _disabled, ...user } = found;
    await runAsTenant(user.id, () =>
      this.audit.record(
        { ...origin, actor: { type: 'user', id: user.id, label: user.email } },
        { action: 'auth.login_succeeded', target: { type: 'user', id: user.id } },
      ),
    );
    return user;
  }

  /**
   * Called once the new session is written (LoginGuard, which ends that session when this
   * throws): a password change or a disable that committed while the password was being
   * verified ended every session but this one, which did not exist yet. If the hash this
   * sign-in verified is no longer the account's, or the account is disabled, the sign-in
   * fails like a wrong password.
   */
  async confirm(req: Request): Promise<void> {
    const user = req.user as Account;
    const verified = verifiedHashes.get(req);
    verifiedHashes.delete(req);
    const unchanged =
      verified !== undefined && (await runAsTenant(user.id, () => this.users.ownCredentialsUnchanged(verified)));
    if (unchanged) return;
    await runAsTenant(null, () =>
      this.audit.record(
        { ...originOf(req), actor: { type: 'anonymous', label: user.email } },
        {
          action: 'auth.login_failed',
          target: { type: 'user', id: user.id },
          details: { email: user.email, reason: 'credentials-changed' },
        },
      ),
    );
    throw badCredentials();
  }
}

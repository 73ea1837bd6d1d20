import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { AuditLog } from '../../audit/audit-log.js';
import { originOf } from '../../audit/origin.js';
import { TooManyRequestsProblem, UnauthorizedProblem } from '../../http/problems.js';
import type { Account } from '../auth-user.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { UsersRepository } from '../users/users.repository.js';
import { LoginThrottle } from './login-throttle.js';

export const badCredentials = () => new UnauthorizedProblem('The email or password is incorrect.');

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

  async validate(req: Request, rawEmail: string, password: string): Promise<Account> {
    const email = rawEmail.trim().toLowerCase();
    const ip = req.ip ?? 'unknown';
    const origin = { ...originOf(req), actor: { type: 'anonymous' as const, label: email } };
    try {
      await this.throttle.assertOpen(email, ip);
    } catch (error) {
      if (error instanceof TooManyRequestsProblem) {
        await this.audit.record(origin, { action: 'auth.login_failed', details: { email, reason: 'throttled' } });
      }
      throw error;
    }
    const account = await this.users.findCredentials(email);
    const verified = account
      ? await this.hasher.verify(account.passwordHash, password)
      : await this.hasher.verifyAgainstNothing(password);
    if (!account || !verified || account.disabledAt) {
      await this.throttle.recordFailure(email, ip);
      await this.audit.record(origin, {
        action: 'auth.login_failed',
        target: account ? { type: 'user', id: account.id } : undefined,
        details: { email, reason: account?.disabledAt && verified ? 'disabled' : 'bad-credentials' },
      });
      throw badCredentials();
    }
    await this.throttle.recordSuccess(email);
    const { passwordHash: _hash, disabledAt: _disabled, ...user } = account;
    await this.audit.record(
      { ...origin, actor: { type: 'user', id: user.id, label: user.email } },
      { action: 'auth.login_succeeded', target: { type: 'user', id: user.id } },
    );
    return user;
  }
}

import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../audit/audit-log.js';
import type { Origin } from '../../audit/origin.js';
import { TooManyRequestsProblem, UnauthorizedProblem, ValidationProblem } from '../../http/problems.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { passwordProblem } from '../passwords/password-policy.js';
import { SessionsRepository } from '../session/sessions.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { accountKey, LoginThrottle } from '../login/login-throttle.js';

@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
  ) {}

  /** Sets the new password and ends every session of the user but `currentSid`. */
  async change(
    user: { id: string; email: string },
    currentSid: string,
    current: string,
    next: string,
    origin: Origin,
  ) {
    const userId = user.id;
    const problem = passwordProblem(next);
    if (problem) {
      throw new ValidationProblem([{ field: 'newPassword', message: `newPassword ${problem}` }]);
    }
    // The current password is a guess like any sign-in: counted under the same account key,
    // before Argon2 runs, so a session cannot be used as a password oracle.
    const key = accountKey(user.email);
    const failed = (reason: string) =>
      this.audit.recordRefusal(origin, {
        action: 'auth.password_change_failed',
        target: { type: 'user', id: userId },
        details: { reason },
      });
    try {
      await this.throttle.reserve([key]);
    } catch (error) {
      if (error instanceof TooManyRequestsProblem) await failed('throttled');
      throw error;
    }
    const account = await this.users.findOwnPasswordHash();
    if (!account || !(await this.hasher.verify(account.passwordHash, current))) {
      await failed('bad-current-password');
      throw new UnauthorizedProblem('The current password is incorrect.');
    }
    await this.throttle.succeeded(key);
    const passwordHash = await this.hasher.hash(next);
    await this.users.transaction(async (tx) => {
      await this.users.setOwnPasswordHash(tx, passwordHash);
      const ended = await this.sessions.endAllForUser(userId, currentSid, tx);
      await this.audit.record(
        origin,
        {
          action: 'auth.password_changed',
          target: { type: 'user', id: userId },
          details: { otherSessionsEnded: ended },
        },
        tx,
      );
    });
  }
}

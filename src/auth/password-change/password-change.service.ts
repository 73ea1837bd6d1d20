import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../audit/audit-log.js';
import type { Origin } from '../../audit/origin.js';
import { UnauthorizedProblem, ValidationProblem } from '../../http/problems.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { passwordProblem } from '../passwords/password-policy.js';
import { SessionsRepository } from '../session/sessions.repository.js';
import { UsersRepository } from '../users/users.repository.js';

@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  /** Sets the new password and ends every session of the user but `currentSid`. */
  async change(userId: string, currentSid: string, current: string, next: string, origin: Origin) {
    const problem = passwordProblem(next);
    if (problem) {
      throw new ValidationProblem([{ field: 'newPassword', message: `newPassword ${problem}` }]);
    }
    const account = await this.users.findPasswordHash(userId);
    if (!account || !(await this.hasher.verify(account.passwordHash, current))) {
      throw new UnauthorizedProblem('The current password is incorrect.');
    }
    const passwordHash = await this.hasher.hash(next);
    await this.users.transaction(async (tx) => {
      await this.users.setPasswordHash(tx, userId, passwordHash);
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

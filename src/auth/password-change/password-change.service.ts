import { Injectable } from '@nestjs/common';
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
  ) {}

  /** Sets the new password and ends every session of the user but `currentSid`. */
  async change(userId: string, currentSid: string, current: string, next: string) {
    const problem = passwordProblem(next);
    if (problem) {
      throw new ValidationProblem([{ field: 'newPassword', message: `newPassword ${problem}` }]);
    }
    const account = await this.users.findPasswordHash(userId);
    if (!account || !(await this.hasher.verify(account.passwordHash, current))) {
      throw new UnauthorizedProblem('The current password is incorrect.');
    }
    await this.users.setPasswordHash(userId, await this.hasher.hash(next));
    await this.sessions.endAllForUser(userId, currentSid);
  }
}

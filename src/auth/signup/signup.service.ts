import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../audit/audit-log.js';
import type { Origin } from '../../audit/origin.js';
import { uniqueViolationField } from '../../database/database-errors.js';
import { ConflictProblem, ValidationProblem } from '../../http/problems.js';
import type { Account } from '../auth-user.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { passwordProblem } from '../passwords/password-policy.js';
import { UsersRepository } from '../users/users.repository.js';
import type { SignupDto } from './signup.dto.js';

@Injectable()
export class SignupService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  async register(input: SignupDto, origin: Origin): Promise<Account> {
    const problem = passwordProblem(input.password);
    if (problem) throw new ValidationProblem([{ field: 'password', message: `password ${problem}` }]);
    const passwordHash = await this.hasher.hash(input.password);
    try {
      return await this.users.transaction(async (tx) => {
        const user = await this.users.create(tx, {
          email: input.email,
          handle: input.handle,
          displayName: input.displayName,
          passwordHash,
        });
        await this.audit.record(
          { ...origin, actor: { type: 'user', id: user.id, label: user.email } },
          { action: 'user.signed_up', target: { type: 'user', id: user.id }, details: { handle: user.handle } },
          tx,
        );
        return user;
      });
    } catch (error) {
      const field = uniqueViolationField(error, ['email', 'handle']);
      if (field) throw new ConflictProblem(`That ${field} is already taken.`);
      throw error;
    }
  }
}

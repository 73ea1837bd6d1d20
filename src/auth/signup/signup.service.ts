import { Injectable } from '@nestjs/common';
import { uniqueViolationField } from '../../database/database-errors.js';
import { ConflictProblem, ValidationProblem } from '../../http/problems.js';
import type { AuthUser } from '../auth-user.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { passwordProblem } from '../passwords/password-policy.js';
import { UsersRepository } from '../users/users.repository.js';
import type { SignupDto } from './signup.dto.js';

@Injectable()
export class SignupService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async register(input: SignupDto): Promise<AuthUser> {
    const problem = passwordProblem(input.password);
    if (problem) throw new ValidationProblem([{ field: 'password', message: `password ${problem}` }]);
    try {
      return await this.users.create({
        email: input.email.toLowerCase(),
        handle: input.handle,
        displayName: input.displayName,
        passwordHash: await this.hasher.hash(input.password),
      });
    } catch (error) {
      const field = uniqueViolationField(error, ['email', 'handle']);
      if (field) throw new ConflictProblem(`That ${field} is already taken.`);
      throw error;
    }
  }
}

import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../database/database.service.js';
import type { AuthUser } from '../auth-user.js';

const authUserFields = {
  id: true,
  email: true,
  handle: true,
  displayName: true,
  createdAt: true,
} as const;

/** Accounts are platform data: they are the tenants, not rows a tenant owns. */
@Injectable()
export class UsersRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('accounts: users are the tenants themselves');
  }

  /** The user a session belongs to, or null once the account is gone or disabled. */
  findActive(id: string): Promise<AuthUser | null> {
    return this.db.user.findFirst({ where: { id, disabledAt: null }, select: authUserFields });
  }

  findCredentials(email: string) {
    return this.db.user.findUnique({
      where: { email },
      select: { ...authUserFields, passwordHash: true, disabledAt: true },
    });
  }

  findPasswordHash(id: string) {
    return this.db.user.findUnique({ where: { id }, select: { passwordHash: true } });
  }

  create(data: { email: string; handle: string; displayName: string; passwordHash: string }) {
    return this.db.user.create({ data, select: authUserFields });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.user.update({ where: { id }, data: { passwordHash } });
  }
}

import { Injectable } from '@nestjs/common';
import { DatabaseService, type Transaction } from '../../database/database.service.js';
import { allPermissions, builtInRoles, type Permission } from '../access/permissions.js';
import type { Account, AuthUser } from '../auth-user.js';

/**
 * Accounts are platform data: they are the tenants, not rows a tenant owns. Row-level security
 * shows the application its own account (others' only to administrators) and no password hash
 * at all: sign-in, the password change and sign-up go through SECURITY DEFINER functions
 * (account_credentials, own_password_hash, set_own_password_hash, create_account,
 * own_credentials_unchanged) that act on the one account the caller names or is.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.unscoped('accounts: users are the tenants themselves');
  }

  /**
   * The user a session belongs to (run as that user: the serializer sets the tenant), with
   * roles and permissions, in one indexed query; null once the account is gone or disabled.
   * Runs on every request that carries a session.
   */
  async findActive(id: string): Promise<AuthUser | null> {
    const [row] = await this.db.$queryRaw<Array<Account & { roles: string[]; permissions: string[] }>>`
      SELECT u.id, u.email, u.handle, u.display_name AS "displayName", u.created_at AS "createdAt",
             COALESCE(array_agg(DISTINCT ur.role_name) FILTER (WHERE ur.role_name IS NOT NULL), '{}') AS roles,
             COALESCE(array_agg(DISTINCT rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS permissions
      FROM users u
      LEFT JOIN user_roles ur ON ur.user_id = u.id
      LEFT JOIN role_permissions rp ON rp.role_name = ur.role_name
      WHERE u.id = ${id}::uuid AND u.disabled_at IS NULL
      GROUP BY u.id`;
    if (!row) return null;
    // admin holds every permission, including ones added after its rows were written.
    const permissions = row.roles.includes(builtInRoles.admin)
      ? allPermissions
      : (row.permissions as Permission[]);
    return { ...row, permissions };
  }

  /** Sign-in: the account with that (normalized) email, hash included; before any tenant. */
  async findCredentials(email: string): Promise<(Account & { passwordHash: string; disabledAt: Date | null }) | null> {
    const [row] = await this.db.$queryRaw<Array<Account & { passwordHash: string; disabledAt: Date | null }>>`
      SELECT id, email, handle, display_name AS "displayName", created_at AS "createdAt",
             password_hash AS "passwordHash", disabled_at AS "disabledAt"
      FROM account_credentials(${email})`;
    return row ?? null;
  }

  /** The tenant's own password hash (the password change runs as the signed-in user). */
  async findOwnPasswordHash(): Promise<{ passwordHash: string } | null> {
    const [row] = await this.db.$queryRaw<Array<{ passwordHash: string | null }>>`
      SELECT own_password_hash() AS "passwordHash"`;
    return row?.passwordHash ? { passwordHash: row.passwordHash } : null;
  }

  /**
   * After a sign-in wrote its session, as the account it signed in: whether `verifiedHash` is
   * still its hash and the account still enabled. Waits for a password change or a disable
   * in progress to commit (own_credentials_unchanged), so a false here and the change's own
   * session ending between them leave no session written with the replaced password.
   */
  async ownCredentialsUnchanged(verifiedHash: string): Promise<boolean> {
    const [{ unchanged }] = await this.db.$queryRaw<Array<{ unchanged: boolean }>>`
      SELECT own_credentials_unchanged(${verifiedHash}) AS unchanged`;
    return unchanged;
  }

  /**
   * A new account, with the author role every account starts with (create_account). The
   * rest of `tx` then acts as the new account (its sign-up audit entry is written as itself).
   */
  async create(
    tx: Transaction,
    data: { email: string; handle: string; displayName: string; passwordHash: string },
  ): Promise<Account> {
    const [account] = await tx.$queryRaw<Account[]>`
      SELECT id, email, handle, display_name AS "displayName", created_at AS "createdAt"
      FROM create_account(${data.email}, ${data.handle}, ${data.displayName}, ${data.passwordHash})`;
    await tx.$queryRaw`SELECT set_config('app.user_id', ${account.id}::text, true)`;
    return account;
  }

  /** Replaces the tenant's own password hash; false when the tenant has no account. */
  async setOwnPasswordHash(tx: Transaction, passwordHash: string): Promise<boolean> {
    const [{ changed }] = await tx.$queryRaw<Array<{ changed: boolean }>>`
      SELECT set_own_password_hash(${passwordHash}) AS changed`;
    return changed;
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.database.transaction(work);
  }
}

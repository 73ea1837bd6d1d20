import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { AuditLog } from '../../audit/audit-log.js';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { RequirePermission } from '../../auth/access/access.decorators.js';
import { builtInRoles } from '../../auth/access/permissions.js';
import { SessionsRepository } from '../../auth/session/sessions.repository.js';
import { CursorCodec, paginate } from '../../http/cursor.js';
import { PageQuery } from '../../http/pagination.dto.js';
import { NotFoundProblem } from '../../http/problems.js';
import { UuidPipe } from '../../http/uuid.pipe.js';
import { assertAnAdminRemains } from '../admin-continuity.js';
import { asCallerHolding, assertCallerStillHolds } from '../caller-permission.js';
import { CurrentUser } from '../../auth/access/current-user.decorator.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { RoleEscalation } from '../roles/role-escalation.js';
import { AdminUsersRepository } from './admin-users.repository.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { AdminUser, AdminUserPage } from './admin-user.schema.js';

class UpdateUserDto {
  @ApiProperty({ description: 'true ends all of the user’s sessions at once' })
  @IsBoolean()
  disabled: boolean;
}

type AdminUserRow = NonNullable<Awaited<ReturnType<AdminUsersRepository['find']>>>;

const view = (user: AdminUserRow) => ({
  id: user.id,
  email: user.email,
  handle: user.handle,
  displayName: user.displayName,
  disabled: user.disabledAt !== null,
  roles: user.roles.map((role) => role.roleName),
  createdAt: user.createdAt.toISOString(),
});

const listName = 'admin:users';

@ApiTags('admin')
@Controller('v1/admin/users')
export class AdminUsersController {
  constructor(
    private readonly users: AdminUsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditLog,
    private readonly cursors: CursorCodec,
    private readonly escalation: RoleEscalation,
  ) {}

  @RequirePermission('users.read')
  @Get()
  @Operation({ id: 'listUsers', summary: 'Every account', status: 200, body: AdminUserPage })
  async list(@Query() query: PageQuery) {
    const { items, nextCursor } = await paginate(
      this.cursors,
      listName,
      query,
      (after, take) => this.users.list(take, after),
      (user) => ({ at: user.createdAt, id: user.id }),
    );
    return { items: items.map(view), nextCursor };
  }

  /** Disabling ends every session of the user at once; the last enabled admin cannot be. */
  @RequirePermission('users.manage')
  @Patch(':id')
  @Operation({
    id: 'updateUser',
    summary: 'Disable or enable an account; disabling ends its sessions',
    status: 200,
    body: AdminUser,
    problems: {
      400: 'A field is invalid.',
      403: 'Only an admin may disable or enable an admin.',
      404: 'No such user.',
      409: 'It would disable the last enabled admin.',
    },
  })
  update(
    @Param('id', new UuidPipe('user')) id: string,
    @Body() input: UpdateUserDto,
    @CurrentUser() caller: AuthUser,
    @RequestOrigin() origin: Origin,
  ) {
    return asCallerHolding((work) => this.users.transaction(work), 'users.manage', async (tx) => {
      await assertCallerStillHolds(tx, 'users.manage');
      const before = await this.users.find(tx, id);
      if (!before) throw new NotFoundProblem('user');
      const wasDisabled = before.disabledAt !== null;
      if (wasDisabled === input.disabled) return view(before);
      if (before.roles.some((r) => r.roleName === builtInRoles.admin)) {
        // Only an admin may disable (or re-enable) an admin.
        const admin = { name: builtInRoles.admin, permissions: [] };
        await this.escalation.assertMay(caller, 'disable', admin, origin, { type: 'user', id });
        if (input.disabled) {
          await assertAnAdminRemains(tx, { userId: id });
          // A concurrent disable of the caller may have won the lock.
          await assertCallerStillHolds(tx, 'users.manage');
        }
      }
      const after = await this.users.setDisabled(tx, id, input.disabled);
      const ended = input.disabled ? await this.sessions.endAllForUser(id, null, tx) : 0;
      await this.audit.record(
        origin,
        {
          action: input.disabled ? 'user.disabled' : 'user.enabled',
          target: { type: 'user', id },
          details: { before: { disabled: wasDisabled }, after: { disabled: input.disabled }, sessionsEnded: ended },
        },
        tx,
      );
      return view(after);
    });
  }
}

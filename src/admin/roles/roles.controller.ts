import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { RequirePermission } from '../../auth/access/access.decorators.js';
import { CurrentUser } from '../../auth/access/current-user.decorator.js';
import type { AuthUser } from '../../auth/auth-user.js';
import { permissionDescriptions } from '../../auth/access/permissions.js';
import { UuidPipe } from '../../http/uuid.pipe.js';
import { CreateRoleDto, UpdateRoleDto } from './role.dto.js';
import { RoleEscalation } from './role-escalation.js';
import { RolesService } from './roles.service.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';

// Every write below is checked against the no-escalation rule first (see escalation.ts).

@ApiTags('admin')
@RequirePermission('roles.manage')
@Controller('v1/admin')
export class RolesController {
  constructor(
    private readonly roles: RolesService,
    private readonly escalation: RoleEscalation,
  ) {}

  @Get('permissions')
  permissions() {
    return {
      items: Object.entries(permissionDescriptions).map(([name, description]) => ({ name, description })),
    };
  }

  @Get('roles')
  async list() {
    return { items: await this.roles.list() };
  }

  @Idempotent()
  @Post('roles')
  async create(@Body() input: CreateRoleDto, @CurrentUser() user: AuthUser, @RequestOrigin() origin: Origin) {
    await this.escalation.assertMay(user, 'create', { name: input.name, permissions: input.permissions }, origin);
    return this.roles.create(input, origin);
  }

  @Patch('roles/:name')
  async update(
    @Param('name') name: string,
    @Body() input: UpdateRoleDto,
    @CurrentUser() user: AuthUser,
    @RequestOrigin() origin: Origin,
  ) {
    // The role as it is and as it would be: editing a role one could not grant is escalation too.
    const before = (await this.roles.find(name)) ?? { name, permissions: [] };
    await this.escalation.assertMay(user, 'update', before, origin);
    await this.escalation.assertMay(user, 'update', { name, permissions: input.permissions ?? [] }, origin);
    return this.roles.update(name, input, origin);
  }

  @Delete('roles/:name')
  @HttpCode(204)
  async delete(
    @Param('name') name: string,
    @CurrentUser() user: AuthUser,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    await this.escalation.assertMay(user, 'delete', { name, permissions: [] }, origin);
    await this.roles.delete(name, origin);
  }

  @Put('users/:id/roles/:name')
  @HttpCode(204)
  async grant(
    @Param('id', new UuidPipe('user')) userId: string,
    @Param('name') name: string,
    @CurrentUser() user: AuthUser,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    const role = (await this.roles.find(name)) ?? { name, permissions: [] };
    await this.escalation.assertMay(user, 'grant', role, origin, { type: 'user', id: userId });
    await this.roles.grant(userId, name, origin);
  }

  @Delete('users/:id/roles/:name')
  @HttpCode(204)
  async revoke(
    @Param('id', new UuidPipe('user')) userId: string,
    @Param('name') name: string,
    @CurrentUser() user: AuthUser,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    await this.escalation.assertMay(user, 'revoke', { name, permissions: [] }, origin, { type: 'user', id: userId });
    await this.roles.revoke(userId, name, origin);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { RequirePermission } from '../../auth/access/access.decorators.js';
import { permissionDescriptions } from '../../auth/access/permissions.js';
import { UuidPipe } from '../../http/uuid.pipe.js';
import { CreateRoleDto, UpdateRoleDto } from './role.dto.js';
import { RolesService } from './roles.service.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';

@ApiTags('admin')
@RequirePermission('roles.manage')
@Controller('v1/admin')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

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
  create(@Body() input: CreateRoleDto, @RequestOrigin() origin: Origin) {
    return this.roles.create(input, origin);
  }

  @Patch('roles/:name')
  update(@Param('name') name: string, @Body() input: UpdateRoleDto, @RequestOrigin() origin: Origin) {
    return this.roles.update(name, input, origin);
  }

  @Delete('roles/:name')
  @HttpCode(204)
  async delete(@Param('name') name: string, @RequestOrigin() origin: Origin): Promise<void> {
    await this.roles.delete(name, origin);
  }

  @Put('users/:id/roles/:name')
  @HttpCode(204)
  async grant(
    @Param('id', new UuidPipe('user')) userId: string,
    @Param('name') name: string,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    await this.roles.grant(userId, name, origin);
  }

  @Delete('users/:id/roles/:name')
  @HttpCode(204)
  async revoke(
    @Param('id', new UuidPipe('user')) userId: string,
    @Param('name') name: string,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    await this.roles.revoke(userId, name, origin);
  }
}

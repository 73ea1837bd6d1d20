import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SignedIn } from '../access/access.decorators.js';
import { CurrentUser } from '../access/current-user.decorator.js';
import { type AuthUser, toUserView } from '../auth-user.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { Me } from '../user.schema.js';

@ApiTags('auth')
@Controller('v1/auth/me')
export class MeController {
  @SignedIn()
  @Get()
  @Operation({ id: 'getMe', summary: 'The signed-in user, roles and permissions', status: 200, body: Me })
  me(@CurrentUser() user: AuthUser) {
    return { user: toUserView(user), roles: user.roles, permissions: user.permissions };
  }
}

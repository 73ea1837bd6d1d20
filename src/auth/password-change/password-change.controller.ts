import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { Problem } from '../../http/openapi/problem.schema.js';
import type { Request } from 'express';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { SignedIn } from '../access/access.decorators.js';
import { CurrentUser } from '../access/current-user.decorator.js';
import type { AuthUser } from '../auth-user.js';
import { PasswordChangeDto } from './password-change.dto.js';
import { PasswordChangeService } from './password-change.service.js';
import { Operation } from '../../http/openapi/operation.decorator.js';

@ApiTags('auth')
@Controller('v1/auth/password')
export class PasswordChangeController {
  constructor(private readonly passwords: PasswordChangeService) {}

  @SignedIn()
  @Post()
  @HttpCode(204)
  @Operation({
    id: 'changePassword',
    summary: 'Change my password; every other session ends',
    status: 204,
    problems: { 400: 'A field is invalid, or the new password is too weak.' },
  })
  @ApiResponse({
    status: 401,
    description: 'No session, or the current password is wrong.',
    content: { 'application/problem+json': { schema: Problem.ref } },
  })
  async change(
    @CurrentUser() user: AuthUser,
    @Body() input: PasswordChangeDto,
    @Req() req: Request,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    await this.passwords.change(
      user,
      req.sessionID,
      input.currentPassword,
      input.newPassword,
      origin,
    );
  }
}

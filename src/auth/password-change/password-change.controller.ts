import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { SignedIn } from '../access/access.decorators.js';
import { CurrentUser } from '../access/current-user.decorator.js';
import type { AuthUser } from '../auth-user.js';
import { PasswordChangeDto } from './password-change.dto.js';
import { PasswordChangeService } from './password-change.service.js';

@ApiTags('auth')
@Controller('v1/auth/password')
export class PasswordChangeController {
  constructor(private readonly passwords: PasswordChangeService) {}

  @SignedIn()
  @Post()
  @HttpCode(204)
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

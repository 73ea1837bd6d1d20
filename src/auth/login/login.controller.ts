import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditLog } from '../../audit/audit-log.js';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { ReadyConfig } from '../../config/config.js';
import { Public, SignedIn } from '../access/access.decorators.js';
import { type Account, toUserView } from '../auth-user.js';
import { sessionCookieName } from '../session/session.middleware.js';
import { destroySession } from '../session/request-session.js';
import { LoginDto } from './login.dto.js';
import { LoginGuard } from './login.guard.js';

@ApiTags('auth')
@Controller('v1/auth')
export class LoginController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: ReadyConfig,
    private readonly audit: AuditLog,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @UseGuards(LoginGuard)
  // LoginGuard validates the body (guards run before pipes); this only documents it.
  @ApiBody({ type: LoginDto })
  login(@Req() req: Request) {
    return { user: toUserView(req.user as Account) };
  }

  @SignedIn()
  @Post('logout')
  @HttpCode(204)
  async logout(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    await this.audit.record(origin, { action: 'auth.logged_out', target: { type: 'user', id: req.user!.id } });
    await destroySession(req, res, sessionCookieName(this.config));
  }
}

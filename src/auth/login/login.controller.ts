import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Problem } from '../../http/openapi/problem.schema.js';
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
import { Operation } from '../../http/openapi/operation.decorator.js';
import { UserEnvelope } from '../user.schema.js';

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
  @Operation({
    id: 'logIn',
    summary: 'Sign in on a new session id',
    status: 200,
    body: UserEnvelope,
    problems: { 400: 'A field is invalid.' },
  })
  @ApiResponse({
    status: 401,
    description: 'Wrong email or password (one answer for both).',
    content: { 'application/problem+json': { schema: Problem.ref } },
  })
  @UseGuards(LoginGuard)
  // LoginGuard validates the body (guards run before pipes); this only documents it.
  @ApiBody({ type: LoginDto })
  login(@Req() req: Request) {
    return { user: toUserView(req.user as Account) };
  }

  @SignedIn()
  @Post('logout')
  @HttpCode(204)
  @Operation({ id: 'logOut', summary: 'End this session, server-side', status: 204 })
  async logout(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    await this.audit.record(origin, { action: 'auth.logged_out', target: { type: 'user', id: req.user!.id } });
    await destroySession(req, res, sessionCookieName(this.config));
  }
}

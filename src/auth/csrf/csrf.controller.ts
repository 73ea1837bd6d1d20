import { Controller, Get, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { Public } from '../access/access.decorators.js';
import { stampNewSession } from '../session/session-stamp.js';
import { Operation } from '../../http/openapi/operation.decorator.js';
import { CsrfToken } from '../user.schema.js';

@ApiTags('auth')
@Controller('v1/auth/csrf')
export class CsrfController {
  /**
   * The token is bound to the session, so this starts an (anonymous) session when there
   * is none: the one write a GET makes, and the synchronizer-token pattern's premise.
   */
  @Public()
  @Get()
  @Operation({
    id: 'getCsrfToken',
    summary: 'The CSRF token of this session (starting an anonymous one)',
    status: 200,
    body: CsrfToken,
    description: 'Fetch a fresh one after signup, login and logout.',
  })
  token(@Req() req: Request): { token: string } {
    if (!req.session.createdAt) stampNewSession(req);
    req.session.csrfToken ??= randomBytes(32).toString('base64url');
    return { token: req.session.csrfToken };
  }
}

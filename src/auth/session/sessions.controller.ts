import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuditLog } from '../../audit/audit-log.js';
import { type Origin, RequestOrigin } from '../../audit/origin.js';
import { TenantData } from '../../database/tenant/tenant-data.decorator.js';
import { NotFoundProblem } from '../../http/problems.js';
import { SignedIn } from '../access/access.decorators.js';
import { CurrentUser } from '../access/current-user.decorator.js';
import type { AuthUser } from '../auth-user.js';
import { SessionsRepository } from './sessions.repository.js';
import { Idempotent } from '../../idempotency/idempotent.decorator.js';

const iso = (millis: number | null) => (millis ? new Date(millis).toISOString() : null);

@ApiTags('auth')
@TenantData('Session')
@Controller('v1/auth/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditLog,
  ) {}

  @SignedIn()
  @Get()
  async list(@CurrentUser() user: AuthUser, @Req() req: Request) {
    const stored = await this.sessions.listForUser(user.id);
    return {
      items: stored.map((session) => ({
        id: session.handle,
        current: session.sid === req.sessionID,
        createdAt: iso(session.createdAt),
        lastSeenAt: iso(session.lastSeenAt),
        userAgent: session.userAgent,
        ip: session.ip,
      })),
    };
  }

  @SignedIn()
  @Delete(':id')
  @HttpCode(204)
  async end(
    @CurrentUser() user: AuthUser,
    @Param('id') handle: string,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    if (!(await this.sessions.endByHandle(user.id, handle))) throw new NotFoundProblem('session');
    await this.audit.record(origin, {
      action: 'session.revoked',
      target: { type: 'user', id: user.id },
      details: { session: handle },
    });
  }

  @SignedIn()
  @Idempotent()
  @Post('revoke-others')
  @HttpCode(204)
  async endOthers(
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @RequestOrigin() origin: Origin,
  ): Promise<void> {
    const ended = await this.sessions.endAllForUser(user.id, req.sessionID);
    await this.audit.record(origin, {
      action: 'session.revoked',
      target: { type: 'user', id: user.id },
      details: { otherSessionsEnded: ended },
    });
  }
}

import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenProblem, UnauthorizedProblem } from '../../http/problems.js';
import { ACCESS_KEY, type Access } from './access.decorators.js';

/** Deny by default: a route is reachable only as its access declaration allows. */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<Request>();
    if (!access) {
      this.logger.error(`${request.method} ${request.route?.path} declares no access rule`);
      throw new ForbiddenProblem('This route is not open to anyone.');
    }
    if (access.kind === 'public') return true;
    if (!request.user) throw new UnauthorizedProblem();
    if (access.kind === 'permission' && !request.user.permissions.includes(access.permission)) {
      throw new ForbiddenProblem(`This needs the ${access.permission} permission.`);
    }
    return true;
  }
}

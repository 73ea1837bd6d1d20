import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ValidationProblem } from './problems.js';

/**
 * A route that declares no @Query() takes no query parameters: any it is sent are refused
 * (400), as unknown body properties are, rather than silently ignored. Routes with a query
 * DTO refuse unknown ones through validation (forbidNonWhitelisted).
 */
@Injectable()
export class QueryPolicyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const names = Object.keys(context.switchToHttp().getRequest<Request>().query ?? {});
      if (names.length && !takesQuery(context)) {
        throw new ValidationProblem(
          names.map((name) => ({ field: name, message: `${name} is not a query parameter of this route` })),
        );
      }
    }
    return next.handle();
  }
}

function takesQuery(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ??
    {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
}

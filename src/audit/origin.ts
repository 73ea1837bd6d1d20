import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who caused an event, and from where. */
export type Actor =
  | { type: 'user'; id: string; label: string }
  | { type: 'cli'; label: string }
  | { type: 'anonymous'; label?: string };

export interface Origin {
  actor: Actor;
  ip: string | null;
  requestId: string | null;
}

export function originOf(req: Request): Origin {
  return {
    actor: req.user
      ? { type: 'user', id: req.user.id, label: req.user.email }
      : { type: 'anonymous' },
    ip: req.ip ?? null,
    requestId: typeof req.id === 'string' ? req.id : null,
  };
}

/** The request's origin, for the audit log. */
export const RequestOrigin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Origin =>
    originOf(context.switchToHttp().getRequest<Request>()),
);

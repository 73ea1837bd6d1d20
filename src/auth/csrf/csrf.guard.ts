import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG } from '../../config/config.module.js';
import type { ReadyConfig } from '../../config/config.js';
import { ForbiddenProblem } from '../../http/problems.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser that says the request is cross-site (Fetch Metadata), or an Origin that is
 * not this server's, is refused whatever token it carries, unless the Origin is one of the
 * CORS_ORIGINS allowlist (a frontend deployed on its own origin).
 */
export function isCrossSiteBrowserRequest(req: Request, allowed: readonly string[] = []): boolean {
  const origin = req.get('origin');
  if (origin && allowed.includes(origin)) return false;
  const site = req.get('sec-fetch-site');
  if (site) return site === 'cross-site';
  if (!origin) return false;
  return origin !== `${req.protocol}://${req.get('host')}`;
}

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Synchronizer-token CSRF defence on every unsafe method, login and signup included. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: ReadyConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (safeMethods.has(req.method)) return true;
    if (isCrossSiteBrowserRequest(req, this.config.corsOrigins)) {
      throw new ForbiddenProblem('Cross-site requests are refused.', 'csrf');
    }
    const sent = req.get('x-csrf-token');
    const expected = req.session?.csrfToken;
    if (!sent || !expected || !sameToken(sent, expected)) {
      throw new ForbiddenProblem(
        'Send the token from GET /v1/auth/csrf in the X-CSRF-Token header.',
        'csrf',
      );
    }
    return true;
  }
}

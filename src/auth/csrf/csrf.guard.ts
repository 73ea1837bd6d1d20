import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ForbiddenProblem } from '../../http/problems.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser that says the request is cross-site (Fetch Metadata), or an Origin that is
 * not this server's, is refused whatever token it carries.
 */
export function isCrossSiteBrowserRequest(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'cross-site';
  const origin = req.get('origin');
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
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (safeMethods.has(req.method)) return true;
    if (isCrossSiteBrowserRequest(req)) {
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

import type { NextFunction, Request, Response } from 'express';
import onHeaders from 'on-headers';

/**
 * A response that sets a cookie is never cacheable, whatever the route said: a shared cache
 * that kept `Set-Cookie` would hand one reader's session to the next. Install it before the
 * session middleware: on-headers runs listeners in reverse order, so this one runs last,
 * after express-session has added its cookie.
 */
export function privateWhenSettingCookies(_req: Request, res: Response, next: NextFunction): void {
  onHeaders(res, function () {
    if (this.getHeader('Set-Cookie') !== undefined) this.setHeader('Cache-Control', 'private, no-store');
  });
  next();
}

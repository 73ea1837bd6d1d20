import type { NextFunction, Request, Response } from 'express';
import { runAsTenant } from '../../database/tenant/tenant-context.js';

/** The signed-in user (if any) becomes the tenant of every scoped query this request makes. */
export function tenantFromSession(req: Request, _res: Response, next: NextFunction): void {
  runAsTenant(req.user?.id ?? null, next);
}

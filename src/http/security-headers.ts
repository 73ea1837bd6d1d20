import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

type Middleware = (req: Request, res: Response, next: () => void) => void;

/**
 * The headers `middleware` sets on a response to `req`, found by running it once on a
 * stand-in response. For middleware whose headers do not vary between the requests it
 * is used for (helmet's; CORS for requests without an Origin): they can then be sent by
 * one loop, and by the public cache's hits, answered before Express.
 */
export function headersSetBy(name: string, middleware: Middleware, req: Partial<Request> = {}): Array<[string, string]> {
  const headers = new Map<string, [string, string]>();
  const res = {
    getHeader: (header: string) => headers.get(header.toLowerCase())?.[1],
    setHeader: (header: string, value: unknown) => headers.set(header.toLowerCase(), [header, String(value)]),
    removeHeader: (header: string) => headers.delete(header.toLowerCase()),
  };
  let done = false;
  middleware(req as Request, res as unknown as Response, () => (done = true));
  // Static options run synchronously; if a version ever did not, fail at boot, not per request.
  if (!done) throw new Error(`${name} did not finish synchronously; its headers cannot be precomputed`);
  return [...headers.values()];
}

/**
 * Helmet's headers, computed once: with Byline's options they are the same on every
 * response, so each request gets them from one loop instead of helmet's dozen middlewares
 * (which the bench's CPU profile put at several percent of a request).
 */
export function securityHeaders(): ReadonlyArray<readonly [string, string]> {
  return headersSetBy('helmet', helmet());
}

export function sendSecurityHeaders(headers: ReadonlyArray<readonly [string, string]>) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

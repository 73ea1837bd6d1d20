import type { NextFunction, Request, Response } from 'express';
import type { PublicCache } from './public-cache.js';

const publicPrefix = '/v1/public/';

/**
 * Answers a public GET from the cache before Nest's router, guards, pipes and interceptors
 * run: a hit needs none of them. Installed after request logging, helmet, the default
 * Cache-Control and the rate limits, so a hit is counted against the same budget and
 * carries the same headers and log line as a miss. The key is the URL as sent; only
 * responses the route computed (so validated) are ever stored under it.
 */
export function publicCacheFastPath(cache: PublicCache) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.url.startsWith(publicPrefix)) return next();
    const entry = cache.lookup(req.originalUrl);
    if (!entry) return next();
    cache.setHeaders(res, entry);
    // send() answers 304 to a matching If-None-Match, and no body to HEAD.
    res.send(entry.body);
  };
}

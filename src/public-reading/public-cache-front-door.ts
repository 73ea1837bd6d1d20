import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import fresh from 'fresh';
import type { Logger } from 'pino';
import proxyAddr from 'proxy-addr';
import type { ShutdownState } from '../lifecycle/shutdown-state.js';
import { requestIdOf } from '../http/request-logging.js';
import { spenderFor } from '../rate-limits/rate-limit-policy.js';
import { rateLimitHeaders, recordSpent } from '../rate-limits/rate-limit.middleware.js';
import type { RateLimiter, Spent } from '../rate-limits/rate-limiter.service.js';
import type { Entry, PublicCache } from './public-cache.js';

const publicPrefix = '/v1/public/';

export interface FrontDoor {
  cache: PublicCache;
  limiter: RateLimiter;
  logger: Logger;
  /** Helmet's headers (src/http/security-headers.ts), as every response carries them. */
  securityHeaders: ReadonlyArray<readonly [string, string]>;
  /** Express's compiled `trust proxy`, so a hit is counted against the same address. */
  trustProxy: (address: string, hop: number) => boolean;
  shutdown: ShutdownState;
  /**
   * With CORS on, the headers the CORS middleware sends a request without an Origin (Vary:
   * Origin among them, so a shared cache never serves this answer to a cross-origin
   * request), else null. A request with an Origin needs its own CORS headers: Express answers it.
   */
  corsWithoutOrigin: ReadonlyArray<readonly [string, string]> | null;
}

/**
 * Answers public cache hits before Express: a hit needs no session, router, guard or pipe,
 * and the Express pipeline was most of its cost (0.48 ms of CPU a hit; 0.16 ms here, the
 * bench's figure). It sends what Express would: the security headers, the request id,
 * Cache-Control, ETag (304 to a matching If-None-Match, no body to HEAD), the RateLimit
 * headers of the public budget it spends (per address, as any public read), and the same
 * log line. Everything else (misses, other routes, shutdown, CORS requests, a GET with a
 * body) goes to Express as before; so does a hit that was invalidated while its budget was
 * being spent, carrying that spending with it.
 */
export function answerCacheHitsFirst(server: Server, door: FrontDoor): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (handlers.length !== 1) throw new Error(`expected one request handler (Express), found ${handlers.length}`);
  const [express] = handlers;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!tryHit(req, res, door, () => express.call(server, req, res))) express.call(server, req, res);
  });
}

/** True when the request is taken here (answered, or handed to Express once spent). */
function tryHit(req: IncomingMessage, res: ServerResponse, door: FrontDoor, toExpress: () => void): boolean {
  const url = req.url ?? '';
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !url.startsWith(publicPrefix)) return false;
  if (door.shutdown.draining || (door.corsWithoutOrigin && req.headers.origin !== undefined)) return false;
  // A GET with a body, or declaring a type, is Express's to judge (jsonOnly refuses a
  // Content-Type other than JSON with 415, body or not).
  const { headers } = req;
  if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  if (headers['content-type'] !== undefined) return false;
  if (!door.cache.lookup(url, { count: false })) return false;
  const started = performance.now();
  const spending: Promise<Spent | null> = door.limiter.enabled
    ? door.limiter.spend('public', spenderFor('public', undefined, proxyAddr(req, door.trustProxy)))
    : Promise.resolve(null);
  spending.then(
    (spent) => {
      // Looked up again: an invalidation may have arrived while the budget was spent.
      const entry = spent?.allowed === false ? undefined : door.cache.lookup(url);
      if (!entry) {
        recordSpent(req, spent);
        return toExpress();
      }
      answer(req, res, entry, spent, door, started);
    },
    () => toExpress(),
  ).catch((error: unknown) => {
    // Never an unhandled rejection: Express answers if nothing was sent yet.
    door.logger.error({ err: error }, 'public cache front door failed');
    if (!res.headersSent) toExpress();
    else res.destroy();
  });
  return true;
}

function answer(req: IncomingMessage, res: ServerResponse, entry: Entry, spent: Spent | null, door: FrontDoor, started: number) {
  const id = requestIdOf(req);
  res.setHeader('X-Request-Id', id);
  // Shutdown began while the budget was spent: as ConnectionDraining does for Express.
  if (door.shutdown.draining) res.setHeader('Connection', 'close');
  for (const [name, value] of door.securityHeaders) res.setHeader(name, value);
  if (door.corsWithoutOrigin) for (const [name, value] of door.corsWithoutOrigin) res.setHeader(name, value);
  if (spent) for (const [name, value] of rateLimitHeaders('public', spent, door.limiter)) res.setHeader(name, value);
  door.cache.setHeaders(res, entry);
  if (fresh(req.headers, { etag: entry.etag })) {
    // As Express's send does for a fresh request: no body and no content headers.
    res.statusCode = 304;
    res.removeHeader('Content-Type');
    res.end();
  } else {
    res.statusCode = 200;
    res.setHeader('Content-Length', Buffer.byteLength(entry.body));
    res.end(req.method === 'HEAD' ? undefined : entry.body);
  }
  // The line pino-http writes for every other request.
  door.logger.info(
    {
      reqId: id,
      req: { id, method: req.method, path: (req.url ?? '').split('?')[0] },
      res: { status: res.statusCode },
      responseTime: Math.round(performance.now() - started),
    },
    'request completed',
  );
}

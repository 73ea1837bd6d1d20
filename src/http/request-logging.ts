import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const saneRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Writes to stdout asynchronously: a synchronous write per request line was a system call
 * per request on the hot path (the bench's CPU profile). Lines written while one write is
 * in flight go out together, and pino flushes what is left synchronously when the process
 * exits (process.exit included).
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination({ dest: 1, sync: false }));
}

/** The caller's X-Request-Id when it is sane, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && saneRequestId.test(sent) ? sent : randomUUID();
}

/**
 * One JSON line per request: id, method, path, status, duration and the user when known.
 * Headers and bodies are never logged, so no cookie, password or token can leak.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    quietReqLogger: true,
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customProps: (req: IncomingMessage) => {
      const user = (req as IncomingMessage & { user?: { id?: string } }).user;
      return user?.id ? { userId: user.id } : {};
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}

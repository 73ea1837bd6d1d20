import type { NextFunction, Request, Response } from 'express';
import { exceedsJsonDepth, hostileValue, maxJsonDepth } from './input-policy.js';
import { sendProblem, toProblem } from './problem-response.js';
import { ValidationProblem } from './problems.js';

/** body-parser's `verify`: runs on the raw (decoded) bytes before JSON.parse. */
export function refuseDeepJson(_req: Request, _res: Response, body: Buffer): void {
  if (exceedsJsonDepth(body)) {
    throw new ValidationProblem([{ field: '(body)', message: `JSON must not nest deeper than ${maxJsonDepth} levels` }]);
  }
}

/**
 * U+0000 anywhere (path, query, body, headers) and prototype keys are refused before any
 * route sees the request: PostgreSQL cannot store U+0000 (it failed as a 500), and prototype
 * keys were silently dropped by the DTO layer instead of refused.
 */
export function refuseHostileInput(req: Request, res: Response, next: NextFunction): void {
  const problem = hostileProblem(req);
  if (problem) {
    sendProblem(req, res, toProblem(problem));
    return;
  }
  next();
}

function hostileProblem(req: Request): ValidationProblem | null {
  if (/%00/i.test(req.originalUrl) || req.originalUrl.includes('\u0000')) {
    return new ValidationProblem([{ field: '(path)', message: 'the URL must not contain U+0000' }]);
  }
  for (const [name, value] of Object.entries(req.headers)) {
    if ((Array.isArray(value) ? value : [value ?? '']).some((v) => v.includes('\u0000'))) {
      return new ValidationProblem([{ field: name, message: `header ${name} must not contain U+0000` }]);
    }
  }
  const inQuery = hostileValue(req.query, 'query');
  if (inQuery) return new ValidationProblem([inQuery]);
  const inBody = hostileValue(req.body);
  return inBody ? new ValidationProblem([inBody]) : null;
}

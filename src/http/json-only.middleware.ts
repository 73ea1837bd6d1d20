import type { NextFunction, Request, Response } from 'express';
import typeis from 'type-is';
import { sendProblem, toProblem } from './problem-response.js';
import { ProblemError } from './problems.js';

const notJson = new ProblemError(
  415,
  'unsupported-media-type',
  'Unsupported Media Type',
  'Send the request body as application/json.',
);

/**
 * Byline speaks JSON: a request body of any other type is refused with 415. A request that
 * declares no type and no length (a bodiless POST such as logout) passes.
 */
export function jsonOnly(req: Request, res: Response, next: NextFunction): void {
  const type = req.headers['content-type'];
  const declaresBody = type !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (declaresBody && !typeis.is(type ?? '', ['application/json', 'application/*+json'])) {
    sendProblem(req, res, toProblem(notJson));
    return;
  }
  next();
}

/** Errors that express middleware (the body parser) passes on become problems too. */
export function middlewareErrors(
  error: unknown,
  req: Request,
  res: Response,
  _next: NextFunction,
): void {
  const problem = toProblem(error);
  if (problem.status >= 500) res.err = error as Error;
  sendProblem(req, res, problem);
}

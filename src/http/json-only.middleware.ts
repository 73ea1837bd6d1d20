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

/** Byline speaks JSON: a request body of any other type is refused with 415. */
export function jsonOnly(req: Request, res: Response, next: NextFunction): void {
  if (typeis.hasBody(req) && !typeis(req, ['application/json', 'application/*+json'])) {
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

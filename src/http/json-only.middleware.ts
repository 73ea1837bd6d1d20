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

const undecodableBody = new ProblemError(
  400,
  'bad-request',
  'Bad Request',
  'The request body could not be read or its Content-Encoding does not decode.',
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
  let problem = toProblem(error);
  // body-parser marks what it could not read 4xx (a Content-Encoding that does not decode
  // is a zlib error with status 400); those are the client's fault, not a 500.
  const status = (error as { status?: unknown } | null)?.status;
  if (problem.status === 500 && typeof status === 'number' && status >= 400 && status < 500) {
    problem = toProblem(undecodableBody);
  }
  if (problem.status >= 500) res.err = error as Error;
  sendProblem(req, res, problem);
}

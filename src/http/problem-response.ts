import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { databaseUnavailability, retryAfterSeconds } from '../database/database-errors.js';
import { ProblemError } from './problems.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  headers: Record<string, string>;
  extra: Record<string, unknown>;
}

const problemType = (slug: string) => `urn:byline:problem:${slug}`;

function generic(status: number, detail?: string, headers: Record<string, string> = {}): Problem {
  const title = STATUS_CODES[status] ?? 'Error';
  const slug = title.toLowerCase().replace(/[^a-z]+/g, '-');
  return { type: problemType(slug), title, status, detail, headers, extra: {} };
}

/** body-parser's errors carry a `type`; their messages may quote the body, so none is echoed. */
function fromBodyParser(error: { type?: unknown; status?: unknown }): Problem | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return generic(400, 'The request body is not valid JSON.');
    case 'entity.too.large':
      return generic(413, 'The request body is larger than 1 MB.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return generic(415, 'The request body must be UTF-8 JSON.');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return generic(400, 'The request body could not be read.');
    default:
      return undefined;
  }
}

/** Maps anything thrown to a problem; what is not recognised is a 500 with no internals. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemError) {
    return {
      type: problemType(error.slug),
      title: error.title,
      status: error.status,
      detail: error.detail,
      headers: error.headers,
      extra: error.extra,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    return generic(status, typeof message === 'string' ? message : undefined);
  }
  const parserProblem = error && typeof error === 'object' ? fromBodyParser(error) : undefined;
  if (parserProblem) return parserProblem;
  const unavailable = databaseUnavailability(error);
  if (unavailable) {
    return generic(503, 'The service is temporarily unavailable. Try again shortly.', {
      'Retry-After': String(retryAfterSeconds(unavailable)),
    });
  }
  return generic(500, 'An unexpected error occurred. Quote the requestId when reporting it.');
}

export function sendProblem(req: Request, res: Response, problem: Problem): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: problem.type,
        title: problem.title,
        status: problem.status,
        ...(problem.detail ? { detail: problem.detail } : {}),
        ...problem.extra,
        requestId: typeof req.id === 'string' ? req.id : '',
      }),
    );
}

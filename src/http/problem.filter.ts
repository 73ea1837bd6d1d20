import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendProblem, toProblem } from './problem-response.js';

/** The one place where errors become responses (see problem-response.ts). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const problem = toProblem(exception);
    // pino-http logs the error with the request line; the client sees only the problem.
    if (problem.status >= 500) res.err = exception as Error;
    sendProblem(http.getRequest<Request>(), res, problem);
  }
}

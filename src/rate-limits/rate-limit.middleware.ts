import type { NextFunction, Request, Response } from 'express';
import { sendProblem, toProblem } from '../http/problem-response.js';
import { TooManyRequestsProblem } from '../http/problems.js';
import { budgetFor, policyHeader, rateLimitHeader, spenderFor } from './rate-limit-policy.js';
import type { RateLimiter } from './rate-limiter.service.js';

/**
 * Spends one request from the caller's budget (after the session is read, so a signed-in
 * user is counted as themselves), sets the RateLimit headers on every limited response,
 * and answers 429 with Retry-After once the budget is spent.
 */
export function rateLimits(limiter: RateLimiter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const budget = limiter.enabled ? budgetFor(req.method, req.path) : null;
    if (!budget) return next();
    const spender = spenderFor(budget, req.user?.id, req.ip);
    limiter.spend(budget, spender).then((spent) => {
      if (!spent) return next();
      res.setHeader('RateLimit-Policy', policyHeader(budget, limiter.settings));
      res.setHeader('RateLimit', rateLimitHeader(budget, spent.remaining, spent.resetSeconds));
      if (spent.allowed) return next();
      const problem = new TooManyRequestsProblem(spent.resetSeconds, 'Too many requests. Retry after the time in Retry-After.');
      sendProblem(req, res, toProblem(problem));
    }, next);
  };
}

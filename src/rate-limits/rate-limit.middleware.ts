import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { sendProblem, toProblem } from '../http/problem-response.js';
import { TooManyRequestsProblem } from '../http/problems.js';
import { type Budget, budgetFor, policyHeader, rateLimitHeader, spenderFor } from './rate-limit-policy.js';
import type { RateLimiter, Spent } from './rate-limiter.service.js';

/**
 * Requests that spent their budget before Express (a public cache hit that, by the time it
 * had spent, was no longer in the cache): the middleware uses that outcome, never spends twice.
 */
const spentBefore = new WeakMap<IncomingMessage, Spent | null>();

export function recordSpent(req: IncomingMessage, spent: Spent | null): void {
  spentBefore.set(req, spent);
}

/** The RateLimit headers of a limited response. */
export function rateLimitHeaders(budget: Budget, spent: Spent, limiter: RateLimiter): Array<[string, string]> {
  return [
    ['RateLimit-Policy', policyHeader(budget, limiter.settings)],
    ['RateLimit', rateLimitHeader(budget, spent.remaining, spent.resetSeconds)],
  ];
}

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
    const spending = spentBefore.has(req) ? Promise.resolve(spentBefore.get(req)!) : limiter.spend(budget, spender);
    spending.then((spent) => {
      if (!spent) return next();
      for (const [name, value] of rateLimitHeaders(budget, spent, limiter)) res.setHeader(name, value);
      if (spent.allowed) return next();
      const problem = new TooManyRequestsProblem(spent.resetSeconds, 'Too many requests. Retry after the time in Retry-After.');
      sendProblem(req, res, toProblem(problem));
    }, next);
  };
}

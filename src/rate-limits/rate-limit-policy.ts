// Which budget a request spends and who spends it, and the IETF RateLimit header fields
// (draft-ietf-httpapi-ratelimit-headers: RateLimit-Policy and RateLimit). Pure.
import ipaddr from 'ipaddr.js';

export type Budget = 'writes' | 'reads' | 'public';

export interface BudgetSettings {
  windowSeconds: number;
  writes: number;
  reads: number;
  publicReads: number;
}

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The budget a request spends, or null for health probes, which are never limited. */
export function budgetFor(method: string, rawPath: string): Budget | null {
  // Routes match in any case (Express's default), so budgets must too.
  const path = rawPath.toLowerCase();
  if (path === '/health' || path.startsWith('/health/')) return null;
  if (!readMethods.has(method.toUpperCase())) return 'writes';
  return path.startsWith('/v1/public/') || path === '/v1/public' ? 'public' : 'reads';
}

export function quota(budget: Budget, settings: BudgetSettings): number {
  return budget === 'public' ? settings.publicReads : settings[budget];
}

/**
 * Who spends it: the signed-in user, else the client address. Public reading is always
 * per address. An IPv6 client is counted by its /64, which one subscriber usually holds
 * whole, so rotating addresses inside it buys nothing.
 */
export function spenderFor(budget: Budget, userId: string | undefined, address: string | undefined): string {
  if (userId && budget !== 'public') return `user:${userId}`;
  return `addr:${addressBucket(address ?? 'unknown')}`;
}

export function addressBucket(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}

/** `RateLimit-Policy: "writes";q=60;w=60` */
export function policyHeader(budget: Budget, settings: BudgetSettings): string {
  return `"${budget}";q=${quota(budget, settings)};w=${settings.windowSeconds}`;
}

/** `RateLimit: "writes";r=12;t=31` (remaining, seconds until the window resets). */
export function rateLimitHeader(budget: Budget, remaining: number, resetSeconds: number): string {
  return `"${budget}";r=${Math.max(0, remaining)};t=${Math.max(0, resetSeconds)}`;
}

// Session timeouts as a pure function of the clock, so the boundaries can be tested alone.
export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  idleSeconds: number;
  absoluteSeconds: number;
}

/** How stale lastSeenAt may grow before it is rewritten: a minute, or less for short idles. */
export function touchIntervalMs(limits: SessionLimits): number {
  return Math.min(60_000, (limits.idleSeconds * 1000) / 4);
}

export type SessionVerdict = 'expired' | 'touch' | 'fresh';

/**
 * `expired` once idle or absolute time has run out (at the exact limit too); `touch` when
 * lastSeenAt is old enough to rewrite; else `fresh`, and the session row is left alone.
 */
export function judgeSession(times: SessionTimes, limits: SessionLimits, now: number): SessionVerdict {
  if (now - times.createdAt >= limits.absoluteSeconds * 1000) return 'expired';
  if (now - times.lastSeenAt >= limits.idleSeconds * 1000) return 'expired';
  if (now - times.lastSeenAt >= touchIntervalMs(limits)) return 'touch';
  return 'fresh';
}

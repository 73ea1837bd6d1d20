const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const optional = (value: unknown, type: 'number' | 'string') => value === undefined || typeof value === type;

/**
 * Whether a stored session has the shape express-session and Byline read: an object with a
 * cookie object, and, where present, a string passport user and numeric clocks. Anything
 * else (a row edited by hand, a half-written migration) would make every request with its
 * cookie fail, so it is treated as no session.
 */
export function isWellFormedSession(sess: unknown): boolean {
  if (!isObject(sess) || !isObject(sess.cookie)) return false;
  const cookie = sess.cookie;
  if (cookie.expires !== undefined && cookie.expires !== null && typeof cookie.expires !== 'string') return false;
  if (cookie.originalMaxAge !== undefined && cookie.originalMaxAge !== null && typeof cookie.originalMaxAge !== 'number') {
    return false;
  }
  if (sess.passport !== undefined && !(isObject(sess.passport) && optional(sess.passport.user, 'string'))) return false;
  return (
    optional(sess.createdAt, 'number') &&
    optional(sess.lastSeenAt, 'number') &&
    optional(sess.handle, 'string') &&
    optional(sess.csrfToken, 'string')
  );
}

import 'express-session';

declare module 'express-session' {
  interface SessionData {
    csrfToken: string;
    /** The opaque id the sessions API shows; never the cookie's session id. */
    handle: string;
    /** Epoch milliseconds. */
    createdAt: number;
    lastSeenAt: number;
    userAgent: string;
    ip: string;
    passport: { user: string };
  }
}

import type { Request, Response } from 'express';
import type { Account } from '../auth-user.js';

/** Signs `user` in on a fresh session id (passport regenerates it; the serializer stamps it). */
export async function signIn(req: Request, user: Account): Promise<void> {
  await endSessionOnFailure(
    req,
    new Promise<void>((resolve, reject) =>
      req.login(user as Express.User, (error: unknown) => (error ? reject(error as Error) : resolve())),
    ),
  );
}

/**
 * Awaits a sign-in's writing (and confirming) of its new session; when it fails, ends that
 * session before the error answers. Else express-session, still holding the new (modified) session, sends
 * its cookie with the error and saves it again when the response ends: a working session
 * from a failed sign-in, one whose credentials were never confirmed (LocalStrategy.confirm).
 */
export async function endSessionOnFailure(req: Request, writing: Promise<unknown>): Promise<void> {
  try {
    await writing;
  } catch (error) {
    await endSession(req).catch(() => {});
    throw error;
  }
}

/** Ends the request's session server-side; express-session then neither saves it nor sends its cookie. */
function endSession(req: Request): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    req.session.destroy((error: unknown) => (error ? reject(error as Error) : resolve())),
  );
}

/** Destroys the session server-side and tells the browser to drop the cookie. */
export async function destroySession(req: Request, res: Response, cookieName: string) {
  await endSession(req);
  res.clearCookie(cookieName, { path: '/' });
}

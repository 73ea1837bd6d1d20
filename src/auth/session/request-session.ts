import type { Request, Response } from 'express';
import type { Account } from '../auth-user.js';

/** Signs `user` in on a fresh session id (passport regenerates it; the serializer stamps it). */
export async function signIn(req: Request, user: Account): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    req.login(user as Express.User, (error: unknown) => (error ? reject(error as Error) : resolve())),
  );
}

/** Destroys the session server-side and tells the browser to drop the cookie. */
export async function destroySession(req: Request, res: Response, cookieName: string) {
  await new Promise<void>((resolve, reject) =>
    req.session.destroy((error: unknown) => (error ? reject(error as Error) : resolve())),
  );
  res.clearCookie(cookieName, { path: '/' });
}

import { SetMetadata } from '@nestjs/common';

/** Who may call a route. Every route declares one; AccessGuard refuses a route that has none. */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | { kind: 'permission'; permission: string };

export const ACCESS_KEY = 'byline:access';

/** Anyone, with or without a session. */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies Access);

/** Any signed-in user. */
export const SignedIn = () => SetMetadata(ACCESS_KEY, { kind: 'signed-in' } satisfies Access);

import { SetMetadata } from '@nestjs/common';
import type { Permission } from './permissions.js';

/** Who may call a route. Every route declares one; AccessGuard refuses a route that has none. */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | { kind: 'permission'; permission: Permission };

export const ACCESS_KEY = 'byline:access';

/** Anyone, with or without a session. */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies Access);

/** Any signed-in user. */
export const SignedIn = () => SetMetadata(ACCESS_KEY, { kind: 'signed-in' } satisfies Access);

/** A signed-in user whose roles grant `permission`, checked afresh on every request. */
export const RequirePermission = (permission: Permission) =>
  SetMetadata(ACCESS_KEY, { kind: 'permission', permission } satisfies Access);

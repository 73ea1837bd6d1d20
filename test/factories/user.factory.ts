import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApiClient } from '../support/api-client.js';

export const strongPassword = 'plum-orbit-canvas-71';

export function userInput(overrides: Partial<Record<string, string>> = {}) {
  const tag = randomUUID().slice(0, 8);
  return {
    email: `writer-${tag}@example.com`,
    password: strongPassword,
    displayName: `Writer ${tag}`,
    handle: `writer-${tag}`,
    ...overrides,
  };
}

/** Signs a new user up through the API; returns the signed-in client and the user. */
export async function signUp(target: Server | string, overrides: Partial<Record<string, string>> = {}) {
  const client = new ApiClient(target);
  const input = userInput(overrides);
  await client.refreshToken();
  const res = await client.post('/v1/auth/signup', input).expect(201);
  await client.refreshToken();
  return { client, input, user: res.body.user as { id: string; email: string; handle: string } };
}

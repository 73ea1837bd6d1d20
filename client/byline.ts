// A typed Byline client for browser apps: openapi-fetch over the types that `npm run client`
// generates from the OpenAPI document (schema.d.ts). Hand-written, small, and generic: every
// path, parameter and body is typed from the document, so a frontend that uses a field the
// API no longer has stops compiling.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths };
export type Schemas = components['schemas'];
export type Post = Schemas['Post'];
export type PublicPost = Schemas['PublicPost'];
export type Tag = Schemas['Tag'];
export type User = Schemas['User'];
export type Problem = Schemas['Problem'];
export type ValidationProblem = Schemas['ValidationProblem'];

export interface BylineClientOptions {
  /** Where Byline answers, e.g. `https://api.example.com` or `''` for the same origin. */
  baseUrl: string;
  /** Defaults to the global fetch; tests and servers pass one that keeps cookies. */
  fetch?: (request: Request) => Promise<Response>;
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// These start a new session (or end one), and a CSRF token belongs to one session.
const sessionChanges = new Set(['/v1/auth/signup', '/v1/auth/login', '/v1/auth/logout']);

/**
 * Sends the session cookie with every request (`credentials: 'include'`) and the CSRF token
 * with every unsafe one, fetching the token when it has none and dropping it whenever the
 * session changes.
 */
export function createBylineClient(options: BylineClientOptions): Client<paths> {
  const client = createClient<paths>({ baseUrl: options.baseUrl, credentials: 'include', fetch: options.fetch });
  let token: string | undefined;

  const csrf: Middleware = {
    async onRequest({ request }) {
      if (!unsafe.has(request.method)) return undefined;
      if (!token) {
        const { data, error } = await client.GET('/v1/auth/csrf');
        if (error) throw new Error(`Byline refused a CSRF token: ${error.detail ?? error.title}`);
        token = data.token;
      }
      request.headers.set('X-CSRF-Token', token);
      return request;
    },
    onResponse({ schemaPath, response }) {
      if (sessionChanges.has(schemaPath) && response.ok) token = undefined;
      // A 403 may mean the token went stale (the session ended elsewhere); fetch anew next time.
      if (response.status === 403) token = undefined;
      return undefined;
    },
  };
  client.use(csrf);
  return client;
}

import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
} from '@nestjs/swagger';
import type { RouteEntry } from '../../auth/access/route-inventory.js';
import { operationExtension, type OperationDoc } from './operation.decorator.js';
import { Problem, ValidationProblem } from './problem.schema.js';
import { registeredSchemas } from './schemas.js';

/**
 * What follows from a route's method, access and place rather than from its own logic is
 * written here once: the problems every route of a kind can give, the security it needs,
 * and the headers of the HTTP conventions (../shared/API.md, "Conventions").
 */

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof methods)[number];
type Extension = Required<Pick<OperationDoc, 'problems' | 'publicCache'>>;

const header = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });
const parameter = (name: string): ReferenceObject => ({ $ref: `#/components/parameters/${name}` });

const headers: Record<string, HeaderObject> = {
  XRequestId: {
    required: true,
    description: 'Identifies the request in the logs; echoed when the client sent a sane one.',
    schema: { type: 'string', example: '3f1c2b9e-6a41-4c1f-9a77-5c2d0e8b1a44' },
  },
  CacheControl: {
    required: true,
    description: '`no-store` for per-user responses; `public, max-age=N` for public reading.',
    schema: { type: 'string', example: 'no-store' },
  },
  ETag: {
    description: 'A validator of the body; send it back in If-None-Match to get 304 when it is unchanged.',
    schema: { type: 'string', example: 'W/"1b2-5sP0oQf0mN0yq3uNTc0lmbCk3TY"' },
  },
  RetryAfter: {
    required: true,
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 0, example: 5 },
  },
  RateLimitPolicy: {
    description: 'The limit that applies (IETF httpapi ratelimit-headers draft).',
    schema: { type: 'string', example: '"default";q=300;w=60' },
  },
  RateLimit: {
    description: 'What is left of the limit and when it resets (IETF httpapi ratelimit-headers draft).',
    schema: { type: 'string', example: '"default";r=299;t=60' },
  },
  IdempotentReplayed: {
    description: '`true` when this is the kept response of an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
};

const parameters: Record<string, ParameterObject> = {
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'An ETag from an earlier response; 304 with no body when the response would be the same.',
    schema: { type: 'string', example: 'W/"1b2-5sP0oQf0mN0yq3uNTc0lmbCk3TY"' },
  },
};

/** Writes marked @Idempotent() document the Idempotency-Key header themselves. */
const acceptsIdempotencyKey = (operation: OperationObject) =>
  (operation.parameters ?? []).some((p) => 'in' in p && p.in === 'header' && p.name === 'Idempotency-Key');

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function problemResponse(status: number, reasons: string[]): ResponseObject {
  const schema =
    status === 400 || status === 422 ? { oneOf: [ValidationProblem.ref, Problem.ref] } : Problem.ref;
  const extra: Record<string, ReferenceObject> =
    status === 429
      ? { 'Retry-After': header('RetryAfter'), 'RateLimit-Policy': header('RateLimitPolicy'), RateLimit: header('RateLimit') }
      : status === 503
        ? { 'Retry-After': header('RetryAfter') }
        : {};
  return {
    description: reasons.join(' '),
    headers: { 'X-Request-Id': header('XRequestId'), ...extra },
    content: { 'application/problem+json': { schema } },
  };
}

function completeOperation(path: string, method: Method, operation: OperationObject, route: RouteEntry | undefined) {
  const extended = operation as unknown as Record<string, unknown>;
  const extension = extended[operationExtension] as Extension | undefined;
  delete extended[operationExtension];
  const access = route?.access?.kind;
  const unsafe = method !== 'get';
  const api = path.startsWith('/v1/');
  const idempotent = acceptsIdempotencyKey(operation);

  const problems = new Map<number, string[]>();
  const add = (status: number, reason: string) => problems.set(status, [...(problems.get(status) ?? []), reason]);
  for (const [status, reason] of Object.entries(extension?.problems ?? {})) add(Number(status), reason);
  if (unsafe) {
    add(400, 'The body is not valid JSON, or does not decode.');
    add(413, 'The body is larger than 1 MB.');
    add(415, 'The body is not application/json.');
    add(403, 'No valid X-CSRF-Token for this session, or a cross-site browser request.');
  }
  // The input policy reads every request: U+0000 in the path, query or headers, and query
  // parameters a route does not take, are refused before any handler runs.
  if (operation.parameters?.some((p) => 'in' in p && p.in === 'query')) add(400, 'A query parameter is invalid.');
  add(400, 'The request holds U+0000, or a query parameter this route does not take.');
  if (access === 'signed-in' || access === 'permission') add(401, 'No session, or it has ended.');
  if (route?.access?.kind === 'permission') add(403, `The caller lacks the \`${route.access.permission}\` permission.`);
  if (idempotent) {
    add(400, 'The Idempotency-Key is malformed.');
    add(409, 'A request with this Idempotency-Key is still running.');
    add(422, 'This Idempotency-Key was used with a different request.');
  }
  if (api) add(429, 'Too many requests; wait Retry-After seconds.');
  // Never intended (a 500 is a bug), but its body is defined: generic, with the requestId to quote.
  add(500, 'An unexpected error; report it with the requestId.');
  if (path !== '/health/live') add(503, 'The service cannot do its work right now (database unavailable, shutting down).');

  for (const [status, response] of Object.entries(operation.responses)) {
    if (Number(status) >= 400 || !response || !('description' in response)) continue;
    response.headers = {
      'X-Request-Id': header('XRequestId'),
      'Cache-Control': header('CacheControl'),
      ...(method === 'get' ? { ETag: header('ETag') } : {}),
      ...(api ? { 'RateLimit-Policy': header('RateLimitPolicy'), RateLimit: header('RateLimit') } : {}),
      ...(idempotent ? { 'Idempotent-Replayed': header('IdempotentReplayed') } : {}),
      ...response.headers,
    };
  }
  if (method === 'get') {
    operation.responses['304'] = {
      description: 'Not modified: the If-None-Match ETag still matches.',
      headers: { 'X-Request-Id': header('XRequestId'), ETag: header('ETag') },
    };
  }
  for (const [status, reasons] of [...problems].sort(([a], [b]) => a - b)) {
    operation.responses[String(status)] ??= problemResponse(status, reasons);
  }

  operation.parameters = [
    ...(operation.parameters ?? []),
    ...(method === 'get' ? [parameter('IfNoneMatch')] : []),
  ];
  if (!operation.parameters.length) delete operation.parameters;

  operation.description = [operation.description, describeAccess(route, unsafe), idempotent ? idempotencyNote : '']
    .filter(Boolean)
    .join(' ');

  // Signing up and in need the CSRF token of the (anonymous) session; reading needs no session.
  if (access === 'public') operation.security = unsafe ? [{ session: [], csrf: [] }] : [];
  else operation.security = unsafe ? [{ session: [], csrf: [] }] : [{ session: [] }];
}

const idempotencyNote = 'Send an Idempotency-Key to make a retry safe.';

function describeAccess(route: RouteEntry | undefined, unsafe: boolean): string {
  const csrf = unsafe ? ' and the X-CSRF-Token header' : '';
  switch (route?.access?.kind) {
    case 'public':
      return unsafe ? 'Needs no account, but the CSRF token of the session (GET /v1/auth/csrf).' : 'Needs no session.';
    case 'signed-in':
      return `Needs a session${csrf}.`;
    case 'permission':
      return `Needs a session with the \`${route.access.permission}\` permission${csrf}.`;
    default:
      return '';
  }
}

export function completeDocument(document: OpenAPIObject, routes: RouteEntry[]): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      const operation = item[method];
      if (!operation) continue;
      const route = routes.find((r) => r.method.toLowerCase() === method && toOpenApiPath(r.path) === path);
      completeOperation(path, method, operation, route);
    }
  }
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...registeredSchemas() },
    headers: { ...document.components?.headers, ...headers },
    parameters: { ...document.components?.parameters, ...parameters },
  };
  return document;
}

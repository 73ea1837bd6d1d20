import { randomUUID } from 'node:crypto';
import type { RouteEntry } from '../auth/access/route-inventory.js';
import type { AuditClient, AuditResponse } from './audit-client.js';
import type { Cast } from './seed.js';

export interface ProbeResult {
  probe: string;
  ok: boolean;
  detail: string;
}

type OpenApi = {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, any> };
};

export interface ProbeContext {
  cast: Cast;
  openApi: OpenApi;
  /** A's rows in every tenant table, serialised; compared before and after each route. */
  snapshotA: () => Promise<string>;
}

const withoutRequestId = (body: unknown) => {
  if (!body || typeof body !== 'object') return body;
  const { requestId: _id, ...rest } = body as Record<string, unknown>;
  return rest;
};

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function operation(ctx: ProbeContext, route: RouteEntry) {
  return ctx.openApi.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
}

function isPaginated(ctx: ProbeContext, route: RouteEntry): boolean {
  return (operation(ctx, route)?.parameters ?? []).some((p: { in: string; name: string }) => p.in === 'query' && p.name === 'limit');
}

/** A request body built from the examples in the route's OpenAPI schema. */
function exampleBody(ctx: ProbeContext, route: RouteEntry): unknown {
  if (route.method === 'GET' || route.method === 'DELETE') return undefined;
  const ref = operation(ctx, route)?.requestBody?.content?.['application/json']?.schema?.$ref as string | undefined;
  if (!ref) return undefined;
  const schema = ctx.openApi.components?.schemas?.[ref.split('/').pop()!];
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries<any>(schema?.properties ?? {})) {
    if (property.example !== undefined) body[name] = property.example;
  }
  return body;
}

/** One query string per enum value of each query parameter, plus none. */
function queryVariants(ctx: ProbeContext, route: RouteEntry): string[] {
  const variants = [''];
  for (const parameter of operation(ctx, route)?.parameters ?? []) {
    if (parameter.in !== 'query') continue;
    for (const value of parameter.schema?.enum ?? []) variants.push(`${parameter.name}=${encodeURIComponent(value)}`);
  }
  return variants;
}

/** The concrete paths a route is probed at, with A's values for its parameters. */
function pathsFor(route: RouteEntry, cast: Cast): string[] {
  const { a } = cast;
  const tenantIds: Record<string, string[]> = {
    Post: Object.values(a.posts).map((p) => p.id),
    Tag: [a.tagId],
    Session: a.sessionHandles,
    WebhookEndpoint: [a.webhookId],
  };
  let paths = [route.path];
  const substitute = (param: string, values: string[]) => {
    paths = paths.flatMap((path) => (path.includes(`:${param}`) ? values.map((v) => path.replace(`:${param}`, v)) : [path]));
  };
  substitute('id', route.tenantModel ? (tenantIds[route.tenantModel] ?? [randomUUID()]) : [a.id]);
  substitute('deliveryId', [a.deliveryId]);
  substitute('handle', [a.handle]);
  substitute('slug', Object.values(a.posts).map((p) => p.slug));
  substitute('name', ['author']);
  return paths;
}

async function pages(client: AuditClient, path: string, query: string, paginated = true): Promise<AuditResponse[]> {
  const responses: AuditResponse[] = [];
  let cursor: string | null = null;
  // A route that takes no query parameters refuses them (400), so it is read whole.
  for (let page = 0; paginated && page < 20; page++) {
    const params = [query, 'limit=1', cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&');
    const res = await client.send('GET', `${path}?${params}`);
    responses.push(res);
    cursor = (res.body as { nextCursor?: string | null })?.nextCursor ?? null;
    if (!cursor) break;
  }
  responses.push(await client.send('GET', query ? `${path}?${query}` : path));
  return responses;
}

function markersOfA(cast: Cast, scope: 'everything' | 'unpublished') {
  const { a } = cast;
  const hidden = scope === 'everything' ? Object.values(a.posts) : [a.posts.draft, a.posts.scheduled];
  const markers = [a.email, a.id, ...hidden.flatMap((p) => [p.id, p.title])];
  if (scope === 'everything') markers.push(a.tagId, ...a.sessionHandles, a.webhookId, a.webhookSecret, a.deliveryId);
  return markers;
}

function leaked(responses: AuditResponse[], markers: string[]): string | null {
  for (const res of responses) {
    const found = markers.find((marker) => res.text.includes(marker));
    if (found) return `response ${res.status} contains ${found}`;
  }
  return null;
}

export async function probeRoute(ctx: ProbeContext, route: RouteEntry): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  const add = (probe: string, ok: boolean, detail: string) => results.push({ probe, ok, detail });
  const { cast } = ctx;
  const body = exampleBody(ctx, route);
  const paths = pathsFor(route, cast);

  if (!route.access) {
    add('declared', false, 'the route declares no access rule');
    return results;
  }
  add('declared', true, route.access.kind === 'permission' ? `permission ${route.access.permission}` : route.access.kind);

  const before = await ctx.snapshotA();

  if (route.access.kind !== 'public') {
    const statuses = await Promise.all(paths.map(async (p) => (await cast.anonymous.send(route.method, p, body)).status));
    add('no-session', statuses.every((s) => s === 401), `statuses ${[...new Set(statuses)].join(',')} (want 401)`);
  }
  if (route.access.kind === 'permission') {
    const statuses = await Promise.all(paths.map(async (p) => (await cast.reader.send(route.method, p, body)).status));
    add('lacks-permission', statuses.every((s) => s === 403), `statuses ${[...new Set(statuses)].join(',')} (want 403)`);
  }

  if (route.tenantModel && route.path.includes(':id')) {
    for (const path of paths) {
      const foreign = await cast.b.client.send(route.method, path, body);
      const missing = await cast.b.client.send(route.method, route.path.replace(':id', randomUUID()), body);
      const same =
        foreign.status === 404 &&
        missing.status === 404 &&
        JSON.stringify(withoutRequestId(foreign.body)) === JSON.stringify(withoutRequestId(missing.body));
      add('cross-tenant-id', same, `B on A's ${path}: ${foreign.status}; B on a random id: ${missing.status}`);
    }
  } else if (route.tenantModel && route.method === 'GET') {
    const responses = (await Promise.all(queryVariants(ctx, route).map((q) => pages(cast.b.client, route.path, q, isPaginated(ctx, route))))).flat();
    const leak = leaked(responses, markersOfA(cast, 'everything'));
    add('cross-tenant-list', !leak && responses.every((r) => r.status === 200), leak ?? `${responses.length} pages as B, none with A's rows`);
  }

  if (route.access.kind === 'public' && route.method === 'GET') {
    const responses = (
      await Promise.all(paths.flatMap((p) => queryVariants(ctx, route).map((q) => pages(cast.anonymous, p, q, isPaginated(ctx, route)))))
    ).flat();
    const leak = leaked(responses, markersOfA(cast, 'unpublished'));
    add('public-exposure', !leak, leak ?? `${responses.length} responses, no draft, scheduled or private data of A`);
  }

  const after = await ctx.snapshotA();
  add('a-unchanged', before === after, before === after ? "A's rows are as they were" : "A's rows changed");
  return results;
}

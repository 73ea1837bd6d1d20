import type { RouteEntry } from '../auth/access/route-inventory.js';
import type { AuditClient, AuditResponse } from './audit-client.js';
import { firstDifference } from './a-snapshot.js';
import { fillPaths, type FilledPath, type IdPools, pathParams, unfillable } from './fill-paths.js';
import { findMarker, type Marker } from './markers.js';
import { bodyVariants, type InputVariant, type OpenApi, queryVariants, undocumented } from './probe-inputs.js';
import { fieldPaths } from './public-fields.js';
import type { RouteInputs } from './route-inputs.js';
import type { Cast } from './seed.js';

export interface ProbeResult {
  probe: string;
  ok: boolean;
  detail: string;
}

/** What ran on a route, for the report's coverage section. */
export interface RouteCoverage {
  /** Concrete paths probed (A's ids of every model, and mixes). */
  paths: number;
  /** Distinct ids of A's that went into path parameters. */
  aIds: number;
  /** Query and body variants sent. */
  inputs: number;
  requests: number;
}

export interface ProbeContext {
  cast: Cast;
  openApi: OpenApi;
  pools: IdPools;
  /** A's private values (every form) and those a public response must not show. */
  markers: { private: Marker[]; unpublished: Marker[] };
  /** A's rows and every row that mentions an id of A's, serialised. */
  snapshotA: () => Promise<string>;
  inputs: RouteInputs;
  /** Public route → the field paths its responses showed; checked against the allow-list. */
  publicFields: Map<string, Set<string>>;
  /**
   * Values of A's that B has sent and may have stored in B's own rows (a title that is A's
   * id): B's own data echoing them back is not a leak. Derived forms are never excused.
   */
  planted: Set<string>;
  /** Signs B in again after a route that ended B's session (logout, password change). */
  ensureB: () => Promise<void>;
}

const withoutRequestId = (body: unknown) => {
  if (!body || typeof body !== 'object') return body;
  const { requestId: _id, instance: _instance, ...rest } = body as Record<string, unknown>;
  return rest;
};

/** Runs `work` over `items`, a few at a time: fast, without flooding a 2-core machine. */
async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

/**
 * Every page of a list, following nextCursor: a whole page of 100, and one row at a time;
 * plus the list asked for without paging, since a route that takes no query parameters
 * refuses `limit` (400) and must still be read.
 */
async function pages(client: AuditClient, path: string, query: string): Promise<AuditResponse[]> {
  const responses: AuditResponse[] = [await client.send('GET', withQuery(path, query))];
  for (const [limit, maxPages] of [
    [100, 10],
    [1, 3],
  ]) {
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const params = [query, `limit=${limit}`, cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&');
      const res = await client.send('GET', `${path}?${params}`);
      responses.push(res);
      cursor = (res.body as { nextCursor?: string | null } | undefined)?.nextCursor ?? null;
      if (!cursor) break;
    }
  }
  return responses;
}

export async function probeRoute(ctx: ProbeContext, route: RouteEntry): Promise<{ probes: ProbeResult[]; coverage: RouteCoverage }> {
  const probes: ProbeResult[] = [];
  const coverage: RouteCoverage = { paths: 0, aIds: 0, inputs: 0, requests: 0 };
  const add = (probe: string, ok: boolean, detail: string) => probes.push({ probe, ok, detail });
  const { cast } = ctx;
  const send = async (client: AuditClient, method: string, path: string, body?: unknown) => {
    coverage.requests++;
    return client.send(method, path, body);
  };

  if (!route.access) {
    add('declared', false, 'the route declares no access rule');
    return { probes, coverage };
  }
  add('declared', true, route.access.kind === 'permission' ? `permission ${route.access.permission}` : route.access.kind);

  const missing = unfillable(route.path, ctx.pools);
  if (missing.length) {
    add('params-filled', false, `no filler for ${missing.map((p) => `:${p}`).join(', ')}: the audit cannot probe this path; teach fill-paths.ts what it names`);
    return { probes, coverage };
  }
  const filled = fillPaths(route.path, ctx.pools);
  coverage.paths = filled.length;
  const usedA = new Set(ctx.pools.a.filter((id) => filled.some((f) => f.path.includes(id))));
  coverage.aIds = usedA.size;
  const queries = queryVariants(ctx.openApi, route, ctx.inputs, cast.a);
  const bodies = bodyVariants(ctx.openApi, route, ctx.inputs, cast.a);
  const base = bodies[0].body;
  const hidden = undocumented(ctx.openApi, route, ctx.inputs);
  add('documented', hidden.length === 0, hidden.length ? `the validator accepts ${hidden.join(', ')}, which the OpenAPI document does not list` : 'every accepted parameter is in the OpenAPI document');

  const before = await ctx.snapshotA();
  const sample = filled.slice(0, 3);

  if (route.access.kind !== 'public') {
    const statuses = await Promise.all(sample.map(async (p) => (await send(cast.anonymous, route.method, p.path, base)).status));
    add('no-session', statuses.every((s) => s === 401), `statuses ${[...new Set(statuses)].join(',')} (want 401)`);
  }
  if (route.access.kind === 'permission') {
    const statuses = await Promise.all(sample.map(async (p) => (await send(cast.reader, route.method, p.path, base)).status));
    add('lacks-permission', statuses.every((s) => s === 403), `statuses ${[...new Set(statuses)].join(',')} (want 403)`);
  }

  if (route.access.kind !== 'public') {
    await crossTenant(ctx, route, filled, queries, bodies, send, add, coverage);
  } else if (route.method === 'GET') {
    await publicExposure(ctx, route, filled, queries, send, add, coverage);
  }

  const after = await ctx.snapshotA();
  add('a-unchanged', before === after, before === after ? "A's rows, and every row naming an id of A's, are as they were" : `changed: ${firstDifference(before, after)}`);
  await ctx.ensureB();
  return { probes, coverage };
}

type Send = (client: AuditClient, method: string, path: string, body?: unknown) => Promise<AuditResponse>;
type Add = (probe: string, ok: boolean, detail: string) => void;

/** B on every route a signed-in user can reach, with A's ids in the path and A's values in every input. */
async function crossTenant(
  ctx: ProbeContext,
  route: RouteEntry,
  filled: FilledPath[],
  queries: InputVariant[],
  bodies: InputVariant[],
  send: Send,
  add: Add,
  coverage: RouteCoverage,
) {
  const b = ctx.cast.b.client;
  const markers = ctx.markers.private;
  const base = bodies[0].body;
  const leakIn = (res: AuditResponse, sent: string) => findMarker(res.text, markers, `${sent} ${[...ctx.planted].join(' ')}`);

  if (pathParams(route.path).length) {
    // Foreign ids must answer exactly as missing ones: same status, same body, never 2xx.
    const failures = (
      await inBatches(filled, 6, async (f) => {
        const foreign = await send(b, route.method, f.path, base);
        const control = await send(b, route.method, f.control, base);
        const leak = leakIn(foreign, f.path + JSON.stringify(base ?? ''));
        const same = foreign.status === control.status && JSON.stringify(withoutRequestId(foreign.body)) === JSON.stringify(withoutRequestId(control.body));
        if (leak) return `B on ${f.path}: ${foreign.status} showing ${leak.label}`;
        // A 500 is a bug, and it hides what the route would have shown.
        if (foreign.status >= 500) return `B on ${f.path}: ${foreign.status}`;
        if (!same || foreign.status < 400) return `B on ${f.path}: ${foreign.status}; with A's ids replaced by random ones: ${control.status}`;
        return null;
      })
    ).filter(Boolean);
    add('cross-tenant-id', failures.length === 0, failures[0] ?? `${filled.length} paths with A's ids (${filled.filter((f) => f.aIds > 1).length} with several), each answered as a missing id`);
  }

  // Inputs: on B's own path (parameters filled with B's ids, where the route has any),
  // every query and body variant; no response may show anything of A's.
  const ownPaths = ownPath(ctx, route);
  if (!ownPaths) return;
  const variants = route.method === 'GET' ? queries : bodies;
  if (route.method === 'DELETE') return;
  coverage.inputs = variants.length;
  const failures = (
    await inBatches(variants, route.method === 'GET' ? 3 : 1, async (v) => {
      if (route.method !== 'GET') plant(ctx, v.body);
      const responses =
        route.method === 'GET' ? await pagesCounted(b, ownPaths, v.query, coverage) : [await send(b, route.method, withQuery(ownPaths, v.query), v.body)];
      for (const res of responses) {
        const leak = leakIn(res, v.query + JSON.stringify(v.body ?? ''));
        if (leak) return `B with ${v.label} ${decodeURIComponent(v.query) || JSON.stringify(v.body)}: ${res.status} showing ${leak.label}`;
        if (res.status >= 500) return `B with ${v.label}: ${res.status}`;
      }
      return null;
    })
  ).filter(Boolean);
  add(
    route.method === 'GET' ? 'cross-tenant-read' : 'cross-tenant-write',
    failures.length === 0,
    failures[0] ?? `${variants.length} input variants as B (A's ids, user id, handle, email, words, out-of-enum values), no trace of A`,
  );
}

function plant(ctx: ProbeContext, body: unknown) {
  const walk = (value: unknown): void => {
    if (typeof value === 'string') ctx.planted.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(body);
}

async function pagesCounted(client: AuditClient, path: string, query: string, coverage: RouteCoverage) {
  const responses = await pages(client, path, query);
  coverage.requests += responses.length;
  return responses;
}

/** The route's path filled with B's own ids: where B's inputs reach B's own rows. */
function ownPath(ctx: ProbeContext, route: RouteEntry): string | null {
  const { b } = ctx.cast;
  const own: Record<string, string> = {
    // B's draft, not B's published post: the probes write A's values into it, and a
    // public page must not show them.
    Post: b.posts.draft.id,
    Tag: b.tagId,
    WebhookEndpoint: b.webhookId,
    User: b.id,
  };
  let path = route.path;
  for (const param of pathParams(route.path)) {
    const value =
      param === 'deliveryId' ? b.deliveryId : param === 'id' ? own[route.tenantModel ?? 'User'] : ctx.pools.named[param]?.[0];
    // B's own session handle would end B's session: DELETE is not input-probed anyway.
    if (!value) return null;
    path = path.replace(`:${param}`, encodeURIComponent(value));
  }
  return path;
}

/** Public GETs, anonymously, with A's handle and every slug of A's, and every input. */
async function publicExposure(
  ctx: ProbeContext,
  route: RouteEntry,
  filled: FilledPath[],
  queries: InputVariant[],
  send: Send,
  add: Add,
  coverage: RouteCoverage,
) {
  const fields = ctx.publicFields.get(`${route.method} ${route.path}`) ?? new Set<string>();
  ctx.publicFields.set(`${route.method} ${route.path}`, fields);
  coverage.inputs = queries.length;
  const combos = filled.flatMap((f) => queries.map((q) => ({ path: f.path, q })));
  let responses = 0;
  const failures = (
    await inBatches(combos, 4, async ({ path, q }) => {
      const list = await pages(ctx.cast.anonymous, path, q.query);
      coverage.requests += list.length;
      responses += list.length;
      for (const res of list) {
        if (res.status === 200) for (const f of fieldPaths(res.body)) fields.add(f);
        const leak = findMarker(res.text, ctx.markers.unpublished, path + q.query);
        if (leak) return `${path}${q.query ? `?${decodeURIComponent(q.query)}` : ''}: ${res.status} showing ${leak.label}`;
        if (res.status >= 500) return `${path}${q.query ? `?${decodeURIComponent(q.query)}` : ''}: ${res.status}`;
      }
      return null;
    })
  ).filter(Boolean);
  void send;
  add('public-exposure', failures.length === 0, failures[0] ?? `${responses} responses, no draft, scheduled or private data of A`);
}

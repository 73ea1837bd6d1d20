// The query strings and bodies the probes send: every field the validator accepts (see
// route-inputs.ts) and every one the OpenAPI document lists, each seeded with A's values:
// ids of every model, user id, handle, email, a word of A's content, and out-of-enum
// values. A probe's request is the base input with one field changed.
import type { RouteEntry } from '../auth/access/route-inventory.js';
import type { FieldSpec, RouteInputs } from './route-inputs.js';
import { idsOf, type Tenant } from './seed.js';

export type OpenApi = {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, any> };
};

export interface InputVariant {
  /** Which field carries what, for the report. */
  label: string;
  query: string;
  body: unknown;
}

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
// Pagination is exercised by following nextCursor, not by seeding.
const paging = new Set(['limit', 'cursor']);
const outOfEnum = ['all', '*', 'ALL', ''];

export function operation(openApi: OpenApi, route: RouteEntry) {
  return openApi.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
}

function bodySchema(openApi: OpenApi, route: RouteEntry): Record<string, any> | undefined {
  const schema = operation(openApi, route)?.requestBody?.content?.['application/json']?.schema;
  const ref = schema?.$ref as string | undefined;
  return ref ? openApi.components?.schemas?.[ref.split('/').pop()!] : schema;
}

/** Parameters the validator accepts that the OpenAPI document does not list. */
export function undocumented(openApi: OpenApi, route: RouteEntry, inputs: RouteInputs): string[] {
  const op = operation(openApi, route);
  const listedQuery = new Set<string>((op?.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name));
  const listedBody = new Set(Object.keys(bodySchema(openApi, route)?.properties ?? {}));
  return [
    ...inputs.query.filter((f) => !listedQuery.has(f.name)).map((f) => `query ?${f.name}=`),
    ...inputs.body.filter((f) => !listedBody.has(f.name)).map((f) => `body field ${f.name}`),
  ];
}

/** A's values a field of this kind is seeded with. */
function seeds(field: FieldSpec, a: Tenant): unknown[] {
  const has = (rule: string) => field.rules.includes(rule);
  const ids = idsOf(a);
  const scalars: unknown[] = [];
  if (field.allowed) scalars.push(...outOfEnum, ...field.allowed.map((v) => v.toUpperCase()));
  if (has('isUuid')) scalars.push(...ids);
  else if (has('isString') || has('matches') || !field.rules.some((r) => /^is(Int|Number|Boolean|Date)/.test(r))) {
    scalars.push(a.id, a.handle, a.email, a.word, a.posts.draft.slug, ...ids.slice(1, 3));
  }
  return field.each ? scalars.map((v) => [v]) : scalars;
}

let counter = 0;
/** A valid value for a required field, so a variant fails on its seed, not on a missing field. */
function baseValue(field: FieldSpec, example: unknown): unknown {
  const has = (rule: string) => field.rules.includes(rule);
  const unique = `p${++counter}`;
  // A time far ahead, whatever the example says: B's probe posts must never go on air.
  if (typeof example === 'string' && /T\d\d:\d\d/.test(example)) return '2999-01-01T00:00:00Z';
  if (typeof example === 'string' && /^[a-z][a-z0-9-]*$/.test(example)) return `${example}-${unique}`;
  if (example !== undefined) return example;
  if (field.each) return field.allowed ? [field.allowed[0]] : [];
  if (field.allowed) return field.allowed[0];
  if (has('isBoolean')) return false;
  if (has('isInt') || has('isNumber')) return 1;
  if (has('isIso8601')) return '2030-01-01T00:00:00Z';
  return `audit-probe-${unique}`;
}

export function queryVariants(openApi: OpenApi, route: RouteEntry, inputs: RouteInputs, a: Tenant): InputVariant[] {
  const fields = new Map<string, FieldSpec>();
  for (const f of inputs.query) fields.set(f.name, f);
  for (const p of operation(openApi, route)?.parameters ?? []) {
    if (p.in === 'query' && !fields.has(p.name)) {
      fields.set(p.name, { name: p.name, rules: ['isString'], allowed: p.schema?.enum?.map(String), each: false, optional: true });
    }
  }
  const variants: InputVariant[] = [{ label: 'no query', query: '', body: undefined }];
  for (const field of fields.values()) {
    if (paging.has(field.name)) continue;
    const values = [...(field.allowed ?? []), ...seeds(field, a).flat()];
    for (const value of new Set(values.map(String))) {
      variants.push({ label: `?${field.name}=`, query: `${encodeURIComponent(field.name)}=${encodeURIComponent(value)}`, body: undefined });
    }
  }
  return variants;
}

/** The base body, then one variant per seeded value of each field. */
export function bodyVariants(openApi: OpenApi, route: RouteEntry, inputs: RouteInputs, a: Tenant): InputVariant[] {
  if (route.method === 'GET' || route.method === 'DELETE') return [{ label: 'no body', query: '', body: undefined }];
  const properties = bodySchema(openApi, route)?.properties ?? {};
  const base = (): Record<string, unknown> => {
    const body: Record<string, unknown> = {};
    for (const field of inputs.body) {
      const example = properties[field.name]?.example;
      if (!field.optional || example !== undefined) body[field.name] = baseValue(field, example);
    }
    return body;
  };
  const variants: InputVariant[] = [{ label: 'base body', query: '', body: base() }];
  for (const field of inputs.body) {
    for (const value of seeds(field, a)) variants.push({ label: `body.${field.name}`, query: '', body: { ...base(), [field.name]: value } });
  }
  return variants;
}

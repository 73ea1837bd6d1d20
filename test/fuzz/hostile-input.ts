// Generators for the schema-driven fuzz test: hostile values shaped by the served OpenAPI
// document, so every operation gets both nearly-valid and plainly hostile requests.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Schema;
}

/** What a request needs to reach real rows: ids the fuzzing user owns, a victim, names. */
export interface Known {
  uuids: string[];
  handles: string[];
  slugs: string[];
  roleNames: string[];
}

export interface FuzzRequest {
  path: string;
  query: string;
  contentType?: string;
  contentEncoding?: string;
  body?: Buffer;
}

const hostileText = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'x'.repeat(5000),
  '💥'.repeat(200),
  '\ud800',
  '\u202e\u0301',
  'ＡＤＭＩＮ＠EXAMPLE.COM',
  'İıſK',
  '../../etc/passwd',
  "' OR '1'='1",
  '%00',
  '%',
  '%zz',
  '\\',
  '"',
  '{}',
  'null',
  '-1',
  '1e309',
  '9'.repeat(40),
  '<script>alert(1)</script>',
  '\r\nX-Injected: 1',
  'a'.repeat(301),
];

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...hostileText) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid() },
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2),
);

/** Any JSON value at all, for fields sent the wrong type. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 3 }),
);

const goodTimes = ['2026-12-01T12:00:00Z', '2020-01-01T00:00:00+02:00', '2026-11-01', '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '275760-09-13T00:00:00Z'];
const urls = [
  'http://127.0.0.1:9/hook',
  'http://[::1]:9/hook',
  'http://[::127.0.0.1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://169.254.169.254/latest/meta-data',
  'http://10.0.0.1/',
  'ftp://127.0.0.1/',
  'http://user:pass@127.0.0.1/',
  'not a url',
  'http://127.0.0.1:9/' + 'x'.repeat(3000),
];

/** Nearly-valid values for the fields the API knows, so requests get past the first check. */
function plausible(name: string, known: Known): fc.Arbitrary<unknown> | undefined {
  switch (name) {
    case 'email':
      return fc.oneof(fc.emailAddress(), fc.constantFrom('ＡＤＭＩＮ＠example.com', 'a@b', '@', 'x@example.com\u0000'));
    case 'password':
    case 'newPassword':
    case 'currentPassword':
      return fc.constantFrom('plum-orbit-canvas-71', 'short', 'x'.repeat(1025), 'violet-harbour-lantern-93');
    case 'handle':
      return fc.oneof(fc.constantFrom(...known.handles), fc.stringMatching(/^[a-z0-9-]{3,12}$/));
    case 'slug':
      return fc.oneof(fc.constantFrom(...known.slugs), fc.stringMatching(/^[a-z0-9-]{1,12}$/));
    case 'editorialDate':
    case 'publishAt':
      return fc.constantFrom(...goodTimes);
    case 'url':
      return fc.constantFrom(...urls);
    case 'tagIds':
      return fc.array(fc.oneof(fc.constantFrom(...known.uuids), fc.uuid()), { maxLength: 3 });
    case 'name':
      return fc.oneof(fc.constantFrom(...known.roleNames), fc.stringMatching(/^[a-z][a-z0-9-]{1,10}$/));
    case 'title':
    case 'body':
    case 'description':
    case 'displayName':
      return fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' });
    default:
      return undefined;
  }
}

export class SchemaFuzzer {
  constructor(
    private readonly components: Record<string, Schema>,
    private readonly known: Known,
  ) {}

  private resolve(schema: Schema): Schema {
    if (schema.$ref) return this.resolve(this.components[schema.$ref.split('/').pop()!] ?? {});
    const merged = schema.allOf ?? schema.oneOf ?? schema.anyOf;
    return merged?.length ? this.resolve(merged[0]) : schema;
  }

  value(schema: Schema, name = '', depth = 0): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const typed = this.typed(s, name, depth);
    // Mostly the right type, so that many requests get past validation to the database.
    return fc.oneof({ weight: 12, arbitrary: typed }, { weight: 1, arbitrary: anyJson });
  }

  private typed(s: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
    const near = plausible(name, this.known);
    if (s.enum?.length) return fc.oneof(fc.constantFrom(...s.enum), hostileString);
    switch (s.type) {
      case 'string':
        return near ? fc.oneof({ weight: 6, arbitrary: near }, { weight: 1, arbitrary: hostileString }) : hostileString;
      case 'integer':
      case 'number':
        return hostileNumber;
      case 'boolean':
        return fc.boolean();
      case 'array':
        return near ?? fc.array(this.value(s.items ?? {}, name, depth + 1), { maxLength: 4 });
      case 'object':
        return depth > 3 ? fc.constant({}) : this.object(s, depth);
      default:
        return near ?? anyJson;
    }
  }

  /** An object per the schema, any subset of its fields, sometimes with extra or prototype keys. */
  object(schema: Schema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
    const s = this.resolve(schema);
    const fields = Object.fromEntries(
      Object.entries(s.properties ?? {}).map(([key, prop]) => [key, this.value(prop, key, depth + 1)]),
    );
    const required = (s.required ?? []).filter((key) => key in fields);
    const extra = sometimes(
      fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'userId', 'id', 'a\u0000'), anyJson),
      6,
    );
    const dropOne = fc.integer({ min: 0, max: 9 }).map((n) => n === 0);
    return fc.tuple(fc.record(fields, { requiredKeys: required }), dropOne, extra).map(([record, dropRequired, pair]) => {
      const out: Record<string, unknown> = { ...record };
      if (dropRequired && required.length) delete out[required[0]];
      // defineProperty, so "__proto__" becomes an own key that JSON.stringify writes out.
      if (pair) Object.defineProperty(out, pair[0], { value: pair[1], enumerable: true });
      return out;
    });
  }

  /** A whole request body: usually per the schema, sometimes the wrong shape, deep, broken or encoded. */
  body(schema: Schema | undefined): fc.Arbitrary<{ body?: Buffer; contentType?: string; contentEncoding?: string }> {
    const shaped = schema ? this.object(schema).map((v) => JSON.stringify(v)) : fc.constant('{}');
    const text = fc.oneof(
      { weight: 8, arbitrary: shaped },
      { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: fc.integer({ min: 33, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
      { weight: 1, arbitrary: fc.integer({ min: 33, max: 5000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)) },
      { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,]', 'nul', '\u0000', '{"a":"\\u0000"}', '"\\ud800"') },
    );
    const contentType = fc.oneof(
      { weight: 10, arbitrary: fc.constant('application/json') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'application/json; charset=nonsense',
          'application/merge-patch+json',
          'application/xml',
        ),
      },
    );
    const encoding = fc.oneof(
      { weight: 10, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constantFrom('gzip', 'gzip-valid', 'deflate', 'br', 'identity', 'zstd', 'compress', 'gzip, gzip') },
    );
    return fc.oneof(
      { weight: 1, arbitrary: fc.constant({}) },
      {
        weight: 9,
        arbitrary: fc.tuple(text, contentType, encoding).map(([raw, type, enc]) => {
          if (enc === 'gzip-valid') return { body: gzipSync(raw), contentType: type, contentEncoding: 'gzip' };
          return { body: Buffer.from(raw), contentType: type, contentEncoding: enc };
        }),
      },
    );
  }

  pathParam(name: string): fc.Arbitrary<string> {
    const known =
      name === 'handle' ? this.known.handles : name === 'slug' ? this.known.slugs : name === 'name' ? this.known.roleNames : this.known.uuids;
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...known) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: hostileString.filter((s) => s.length > 0) },
    );
  }

  query(params: Parameter[]): fc.Arbitrary<string> {
    const pairs = params.map((p) =>
      fc.option(
        fc.tuple(
          fc.constant(p.name),
          fc.oneof(
            p.name === 'limit' ? fc.constantFrom('1', '20', '100', '101', '0', '-1', '1.5', 'abc', '') : hostileString,
            hostileNumber.map(String),
          ),
        ),
        { freq: 2 },
      ),
    );
    const extra = sometimes(fc.tuple(fc.constantFrom('x', '__proto__', 'limit', 'a[b]', 'status[]'), hostileString), 6);
    return fc.tuple(fc.tuple(...pairs), extra).map(([chosen, more]) => {
      const all = [...chosen, more].filter((p): p is [string, string] => p !== null);
      return all.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
    });
  }
}

/** `arbitrary` once in `oneIn` draws, else null (fc.option's freq is the odds of null). */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

/** Percent-encodes UTF-8 bytes (lone surrogates become U+FFFD, as a browser would send). */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

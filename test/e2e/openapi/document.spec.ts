import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { OpenAPIObject, OperationObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { inject } from 'vitest';

// The document as /docs/openapi.json serves it (fetched by global-setup.ts).
const document = inject('openapiDocument') as OpenAPIObject;
const contractPath = path.resolve('../shared/API.md');
// Operations the code has and ../shared/API.md does not list yet: each is a proposed
// contract change for the lead (PATCH re-enables a webhook endpoint, from issue 15).
const notYetInContract = ['PATCH /v1/webhooks/{id}'];

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;
const operations = Object.entries(document.paths).flatMap(([route, item]) =>
  methods.flatMap((method) => {
    const operation = (item as Record<string, OperationObject | undefined>)[method];
    return operation ? [{ route, method, operation, name: `${method.toUpperCase()} ${route}` }] : [];
  }),
);

function resolve(schema: SchemaObject | ReferenceObject | undefined): SchemaObject | undefined {
  if (schema && '$ref' in schema) return document.components!.schemas![schema.$ref.split('/').pop()!] as SchemaObject;
  return schema;
}

/** Every property name anywhere under a schema, through refs, arrays and oneOf. */
function propertyNames(schema: SchemaObject | ReferenceObject | undefined, seen = new Set<SchemaObject>()): Set<string> {
  const names = new Set<string>();
  const resolved = resolve(schema);
  if (!resolved || seen.has(resolved)) return names;
  seen.add(resolved);
  for (const [name, child] of Object.entries(resolved.properties ?? {})) {
    names.add(name);
    for (const inner of propertyNames(child, seen)) names.add(inner);
  }
  for (const child of [resolved.items, ...(resolved.oneOf ?? [])]) {
    for (const inner of propertyNames(child as SchemaObject | undefined, seen)) names.add(inner);
  }
  return names;
}

const successOf = (operation: OperationObject) =>
  Object.entries(operation.responses).find(([status]) => /^2\d\d$/.test(status)) as [string, ResponseObject];

describe('the served OpenAPI document', () => {
  it('documents every operation: operationId, typed success, problems, security', () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { name, operation } of operations) {
      expect(operation.operationId, name).toMatch(/^[a-z][a-zA-Z]+$/);
      expect(operation.operationId, name).not.toMatch(/Controller/);
      expect(operation.summary, name).toBeTruthy();
      expect(operation.security, name).toBeDefined();
      const [status, success] = successOf(operation);
      if (status !== '202' && status !== '204') {
        const schema = success.content?.['application/json']?.schema as ReferenceObject | undefined;
        expect(schema?.$ref, `${name} ${status}`).toMatch(/^#\/components\/schemas\/[A-Z]\w+$/);
      }
      const problems = Object.entries(operation.responses).filter(([code]) => Number(code) >= 400);
      // Liveness answers while the process runs, whatever else is down.
      if (name !== 'GET /health/live') expect(problems.length, name).toBeGreaterThan(0);
      for (const [code, response] of problems) {
        const media = (response as ResponseObject).content;
        expect(Object.keys(media ?? {}), `${name} ${code}`).toEqual([
          name === 'GET /health/ready' && code === '503' ? 'application/json' : 'application/problem+json',
        ]);
      }
    }
  });

  it('names the item schemas and page envelopes the frontend relies on', () => {
    const schemas = document.components!.schemas!;
    for (const name of ['Post', 'PublicPost', 'Tag', 'User', 'Session', 'Role', 'Webhook', 'Delivery', 'AuditEvent', 'Problem', 'ValidationProblem']) {
      expect(schemas[name], name).toBeDefined();
    }
    for (const item of ['Post', 'PublicPost', 'Tag', 'AdminUser', 'Webhook', 'Delivery', 'AuditEvent']) {
      expect(resolve(schemas[`${item}Page`] as SchemaObject)?.required, item).toEqual(['items', 'nextCursor']);
    }
  });

  it('documents request bodies as validation enforces them', () => {
    const create = document.components!.schemas!.CreatePostDto as SchemaObject;
    expect(create.required).toEqual(['title']);
    expect(create.properties!.publishAt).toMatchObject({ type: 'string', format: 'date-time', nullable: true });
    expect(create.properties!.title).toMatchObject({ minLength: 1, maxLength: 300 });
    expect(create.properties!.tagIds).toMatchObject({ maxItems: 50, items: { format: 'uuid' } });
    const signup = document.components!.schemas!.SignupDto as SchemaObject;
    expect(signup.required).toEqual(['email', 'password', 'displayName', 'handle']);
  });

  it('agrees with ../shared/API.md: paths, methods, statuses and named fields', () => {
    expect(existsSync(contractPath), `${contractPath} (the contract) must sit beside the repository`).toBe(true);
    const contract = readFileSync(contractPath, 'utf8');
    const listed = new Map<string, string[]>();
    for (const line of contract.split('\n')) {
      const row = /^\|\s*(GET|POST|PUT|PATCH|DELETE) (\/\S+?)(?:\?\S*)?\s*\|(.*)$/.exec(line);
      const bullet = /^- `(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]+)`(.*)$/.exec(line);
      const match = row ?? bullet;
      if (!match || match[2].startsWith('/docs')) continue;
      const route = match[2].replace(/:(\w+)/g, '{$1}');
      listed.set(`${match[1]} ${route}`, [...match[3].matchAll(/\b[1-5]\d\d\b/g)].map(([code]) => code));
      const fields = [...match[3].matchAll(/\{([a-zA-Z, ]+)\}/g)].flatMap(([, list]) => list.split(/,\s*/));
      const documented = operations.find((op) => op.name === `${match[1]} ${route}`);
      if (!documented) continue;
      const [, success] = successOf(documented.operation);
      const names = propertyNames(success.content?.['application/json']?.schema as SchemaObject);
      for (const field of fields) expect(names, `${match[1]} ${route} names ${field}`).toContain(field);
    }
    expect([...listed.keys(), ...notYetInContract].sort()).toEqual(operations.map((op) => op.name).sort());
    for (const [name, statuses] of listed) {
      const { operation } = operations.find((op) => op.name === name)!;
      for (const status of statuses) expect(Object.keys(operation.responses), `${name} ${status}`).toContain(status);
    }

    const shapes: Array<[RegExp, string]> = [
      [/A post is `\{([^`]+)\}`/, 'Post'],
      [/A public post is `\{([^`]+)\}`/, 'PublicPost'],
      [/`user` is `\{([^`]+)\}`/, 'User'],
    ];
    for (const [pattern, schema] of shapes) {
      const fields = pattern.exec(contract.replace(/\n/g, ' '))![1].replace(/\{[^}]*\}|\[[^\]]*\]/g, '').split(/[,:]\s*/);
      const names = propertyNames({ $ref: `#/components/schemas/${schema}` });
      for (const field of fields.map((f) => f.trim()).filter(Boolean)) expect(names, `${schema}.${field}`).toContain(field);
    }
    for (const field of ['type', 'title', 'status', 'detail', 'errors', 'requestId']) {
      expect(propertyNames({ $ref: '#/components/schemas/ValidationProblem' })).toContain(field);
    }
  });

  it('passes Spectral’s recommended OpenAPI rules with nothing turned off unexplained', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'byline-openapi-'));
    try {
      const file = path.join(folder, 'openapi.json');
      await writeFile(file, JSON.stringify(document));
      const spectral = path.resolve('node_modules/.bin/spectral');
      const run = await promisify(execFile)(spectral, ['lint', file, '--ruleset', '.spectral.yaml', '--fail-severity', 'hint'], {
        timeout: 120_000,
      }).catch((error: { stdout?: string; code?: number }) => error);
      expect('code' in run ? run.code : 0, run.stdout).toBe(0);
      expect(run.stdout).toMatch(/No results/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 150_000);
});

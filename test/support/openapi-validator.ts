import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import type {
  HeaderObject,
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as FormatsPlugin;

export interface CheckedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text?: string;
  body: unknown;
}

interface Route {
  template: string;
  pattern: RegExp;
  /** Literal segments win over parameters: /sessions/revoke-others before /sessions/{id}. */
  params: number;
}

const documentRoot = 'openapi.json';

/**
 * Checks a response against the OpenAPI document: the operation exists, the status is one
 * it lists, and the body matches the schema of that status and media type (problem bodies
 * included). Response schemas are closed, so an undocumented field fails as surely as a
 * missing required one.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly routes: Route[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenAPIObject) {
    addFormats(this.ajv);
    // Refs in the document (#/components/schemas/…) resolve against this root.
    this.ajv.addSchema({ $id: documentRoot, components: document.components }, documentRoot);
    this.routes = Object.keys(document.paths)
      .map((template) => ({
        template,
        params: (template.match(/\{/g) ?? []).length,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** Every way the response departs from the document; empty when it agrees. */
  problems(method: string, url: string, res: CheckedResponse): string[] {
    const path = new URL(url, 'http://byline.invalid').pathname;
    // The document and its UI are not operations of the API they describe.
    if (path === '/docs' || path.startsWith('/docs/')) return [];
    const route = this.routes.find((r) => r.pattern.test(path));
    const operation = route && (this.document.paths[route.template] as Record<string, OperationObject>)[method.toLowerCase()];
    if (!operation) {
      // Routes that do not exist answer with a problem, like any other failure.
      if (res.status >= 400) return this.checkBody('Problem', { $ref: '#/components/schemas/Problem' }, res);
      return [`${method.toUpperCase()} ${path} answered ${res.status}, but the document has no such operation`];
    }
    const name = `${method.toUpperCase()} ${route.template} (${operation.operationId})`;
    const response = (operation.responses[String(res.status)] ?? operation.responses.default) as
      | ResponseObject
      | undefined;
    if (!response) {
      return [`${name} answered ${res.status}, which the document does not list (${Object.keys(operation.responses).join(', ')})`];
    }
    const missing = Object.entries(response.headers ?? {})
      .filter(([header, spec]) => this.resolveHeader(spec).required && res.headers[header.toLowerCase()] === undefined)
      .map(([header]) => `${name} ${res.status} lacks the ${header} header the document requires`);
    return [...missing, ...this.checkContent(name, response, res)];
  }

  private resolveHeader(spec: HeaderObject | ReferenceObject): HeaderObject {
    if (!('$ref' in spec)) return spec;
    return this.document.components!.headers![spec.$ref.split('/').pop()!] as HeaderObject;
  }

  private checkContent(name: string, response: ResponseObject, res: CheckedResponse): string[] {
    const mediaType = String(res.headers['content-type'] ?? '').split(';')[0].trim();
    const content = response.content;
    if (!content) {
      return res.text ? [`${name} ${res.status} has a body (${mediaType}), but the document says none`] : [];
    }
    const media = content[mediaType];
    if (!media) {
      return [`${name} ${res.status} answered ${mediaType || 'no body'}, the document says ${Object.keys(content).join(', ')}`];
    }
    if (!media.schema) return [];
    return this.checkBody(`${name} ${res.status}`, media.schema, res);
  }

  private checkBody(name: string, schema: SchemaObject | ReferenceObject, res: CheckedResponse): string[] {
    const validate = this.validatorFor(schema);
    if (validate(res.body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${name}: body${error.instancePath} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`,
    );
  }

  private validatorFor(schema: SchemaObject | ReferenceObject): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ $id: `response-${this.compiled.size}`, ...rebase(schema) });
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/** Points the document's local refs at the document root, so a standalone schema can use them. */
function rebase<T>(schema: T): T {
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"$ref":"#/components/', `"$ref":"${documentRoot}#/components/`),
  ) as T;
}


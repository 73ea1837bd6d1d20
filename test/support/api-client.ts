import type { Server } from 'node:http';
import { randomInt } from 'node:crypto';
import request from 'supertest';
import { inject } from 'vitest';
import { type CheckedResponse, OpenApiValidator } from './openapi-validator.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

let validator: OpenApiValidator | undefined;

/** The validator for the document the app serves (fetched once per run by global-setup.ts). */
export function documentValidator(): OpenApiValidator {
  validator ??= new OpenApiValidator(inject('openapiDocument'));
  return validator;
}

/**
 * Fails the request when its response departs from the OpenAPI document: an unlisted
 * status, or a body that does not match its schema. Every ApiClient request goes through
 * it; tests that must use supertest directly call it too.
 */
export function conformsToDocument(method: string, path: string) {
  return (res: CheckedResponse) => {
    const problems = documentValidator().problems(method, path, res);
    if (problems.length) {
      throw new Error(
        `The response disagrees with the OpenAPI document:\n  ${problems.join('\n  ')}\n` +
          `body: ${JSON.stringify(res.body).slice(0, 2000)}`,
      );
    }
  };
}

/**
 * A non-browser client holding its session cookie and the CSRF token of that session. It
 * calls from its own client address (X-Forwarded-For; test apps trust loopback proxies) so
 * that login throttling in one test does not spill into another.
 */
export class ApiClient {
  readonly address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  /** `name=value` of the session cookie, or '' before the first one is set. */
  cookie = '';
  token = '';

  constructor(public target: Server | string) {}

  /** Fetches a CSRF token for the current session (starting one when there is none). */
  async refreshToken(): Promise<string> {
    const res = await this.get('/v1/auth/csrf').expect(200);
    this.token = res.body.token;
    return this.token;
  }

  get(path: string) {
    return this.send('get', path);
  }

  post(path: string, body?: object) {
    return this.send('post', path, body);
  }

  patch(path: string, body?: object) {
    return this.send('patch', path, body);
  }

  put(path: string, body?: object) {
    return this.send('put', path, body);
  }

  delete(path: string) {
    return this.send('delete', path);
  }

  private send(method: Method, path: string, body?: object) {
    const req = request(this.target)[method](path).set('X-Forwarded-For', this.address);
    req.expect(conformsToDocument(method, path));
    if (this.cookie) req.set('Cookie', this.cookie);
    if (method !== 'get') req.set('X-CSRF-Token', this.token);
    req.on('response', (res: { headers: Record<string, string[] | undefined> }) => {
      const set = res.headers['set-cookie']?.find((line) => line.startsWith('byline.sid='));
      if (set) {
        const pair = set.split(';')[0];
        this.cookie = /Expires=Thu, 01 Jan 1970/.test(set) || pair === 'byline.sid=' ? '' : pair;
      }
    });
    return body === undefined ? req : req.send(body);
  }
}

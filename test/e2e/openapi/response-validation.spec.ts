import { signUp } from '../../factories/user.factory.js';
import { conformsToDocument, documentValidator } from '../../support/api-client.js';
import { useTestApp } from '../../support/test-app.js';

const json = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'abc', 'cache-control': 'no-store' };
const problemJson = { 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': 'abc' };

describe('every e2e response is checked against the served OpenAPI document', () => {
  const handle = useTestApp();

  async function realPost() {
    const { client } = await signUp(handle.server);
    const res = await client.post('/v1/posts', { title: 'Checked' }).expect(201);
    return res.body as Record<string, unknown>;
  }

  it('accepts a real response as it is', async () => {
    const post = await realPost();
    expect(documentValidator().problems('post', '/v1/posts', { status: 201, headers: json, body: post })).toEqual([]);
  });

  it('fails a body with a field the document lacks', async () => {
    const post = await realPost();
    const problems = documentValidator().problems('post', '/v1/posts', {
      status: 201,
      headers: json,
      body: { ...post, internalNote: 'leaked' },
    });
    expect(problems.join('\n')).toMatch(/must NOT have additional properties.*internalNote/);
    // The same through the helper that every ApiClient request runs.
    expect(() =>
      conformsToDocument('post', '/v1/posts')({ status: 201, headers: json, body: { ...post, internalNote: 'x' } }),
    ).toThrow(/disagrees with the OpenAPI document/);
  });

  it('fails a body that lacks a required field, or has one of the wrong type', async () => {
    const { status: _status, ...withoutStatus } = await realPost();
    const missing = documentValidator().problems('get', '/v1/posts/0b9f8c1e-3f0a-4b7e-9d55-2c1e6a9f4b21', {
      status: 200,
      headers: json,
      body: withoutStatus,
    });
    expect(missing.join('\n')).toMatch(/must have required property 'status'/);
    const wrongType = documentValidator().problems('get', '/v1/posts', {
      status: 200,
      headers: json,
      body: { items: [{ ...withoutStatus, status: 'live' }], nextCursor: 7 },
    });
    expect(wrongType.join('\n')).toMatch(/items\/0\/status must be equal to one of the allowed values/);
    expect(wrongType.join('\n')).toMatch(/nextCursor must be string/);
  });

  it('fails a status the operation does not list, and an undocumented operation', () => {
    const unlisted = documentValidator().problems('get', '/v1/tags', { status: 409, headers: problemJson, body: {} });
    expect(unlisted.join('\n')).toMatch(/answered 409, which the document does not list/);
    const unknown = documentValidator().problems('post', '/v1/search', { status: 200, headers: json, body: {} });
    expect(unknown.join('\n')).toMatch(/no such operation/);
  });

  it('checks problem bodies too', () => {
    const good = {
      type: 'urn:byline:problem:not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No such post.',
      requestId: 'abc',
    };
    const path = '/v1/posts/0b9f8c1e-3f0a-4b7e-9d55-2c1e6a9f4b21';
    expect(documentValidator().problems('get', path, { status: 404, headers: problemJson, body: good })).toEqual([]);
    const { requestId: _id, ...noRequestId } = good;
    expect(
      documentValidator().problems('get', path, { status: 404, headers: problemJson, body: { ...noRequestId, stack: 'at x' } }).join('\n'),
    ).toMatch(/required property 'requestId'[\s\S]*additional properties/);
    // A problem must be served as problem+json, not plain JSON.
    expect(documentValidator().problems('get', path, { status: 404, headers: json, body: good }).join('\n')).toMatch(
      /answered application\/json, the document says application\/problem\+json/,
    );
  });

  it('fails a response without a header the document requires', () => {
    const tooMany = {
      type: 'urn:byline:problem:too-many-requests',
      title: 'Too Many Requests',
      status: 429,
      requestId: 'abc',
    };
    const withHeaders = { ...problemJson, 'x-request-id': 'abc', 'retry-after': '3' };
    expect(documentValidator().problems('post', '/v1/auth/login', { status: 429, headers: withHeaders, body: tooMany })).toEqual([]);
    const { 'retry-after': _retry, ...withoutRetryAfter } = withHeaders;
    expect(
      documentValidator().problems('post', '/v1/auth/login', { status: 429, headers: withoutRetryAfter, body: tooMany }).join('\n'),
    ).toMatch(/lacks the Retry-After header/);
  });

  it('fails a body on a response the document says has none', () => {
    const problems = documentValidator().problems('delete', '/v1/tags/0b9f8c1e-3f0a-4b7e-9d55-2c1e6a9f4b21', {
      status: 204,
      headers: json,
      text: '{"deleted":true}',
      body: { deleted: true },
    });
    expect(problems.join('\n')).toMatch(/has a body/);
  });
});

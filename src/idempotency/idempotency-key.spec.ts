import { readKeyHeader, requestFingerprint } from './idempotency-key.js';

describe('readKeyHeader', () => {
  it('accepts 1 to 255 printable ASCII characters', () => {
    expect(readKeyHeader('a')).toEqual({ kind: 'key', key: 'a' });
    expect(readKeyHeader('x'.repeat(255))).toEqual({ kind: 'key', key: 'x'.repeat(255) });
    expect(readKeyHeader('order 42 ~!')).toEqual({ kind: 'key', key: 'order 42 ~!' });
  });

  it('refuses empty, too long, non-ASCII, control characters and repeated headers', () => {
    for (const bad of ['', 'x'.repeat(256), 'clé', 'a\tb', 'a\u0000b', '\u007f']) {
      expect(readKeyHeader(bad)).toEqual({ kind: 'malformed' });
    }
    expect(readKeyHeader(['a', 'b'])).toEqual({ kind: 'malformed' });
  });

  it('tells an absent header apart', () => {
    expect(readKeyHeader(undefined)).toEqual({ kind: 'absent' });
  });
});

describe('requestFingerprint', () => {
  it('ignores the order of object keys at any depth', () => {
    expect(requestFingerprint('POST', '/v1/posts', { a: 1, b: { c: 2, d: [1, 2] } })).toBe(
      requestFingerprint('post', '/v1/posts', { b: { d: [1, 2], c: 2 }, a: 1 }),
    );
  });

  it('differs by method, path, body and array order', () => {
    const base = requestFingerprint('POST', '/v1/posts', { title: 'a', tagIds: ['1', '2'] });
    expect(requestFingerprint('POST', '/v1/tags', { title: 'a', tagIds: ['1', '2'] })).not.toBe(base);
    expect(requestFingerprint('PUT', '/v1/posts', { title: 'a', tagIds: ['1', '2'] })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/posts', { title: 'b', tagIds: ['1', '2'] })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/posts', { title: 'a', tagIds: ['2', '1'] })).not.toBe(base);
  });

  it('treats a missing body as null, not as an empty object', () => {
    expect(requestFingerprint('POST', '/p', undefined)).toBe(requestFingerprint('POST', '/p', null));
    expect(requestFingerprint('POST', '/p', undefined)).not.toBe(requestFingerprint('POST', '/p', {}));
  });
});

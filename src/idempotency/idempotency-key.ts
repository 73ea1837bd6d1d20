// The Idempotency-Key rules, pure: what a well-formed key is, and which requests count as
// "the same request" (method, path and body, whatever the order of the body's keys).
import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

export const idempotencyHeader = 'Idempotency-Key';
/** How long a kept response answers for its key. */
export const keptForMs = 24 * 3600 * 1000;

// 1–255 printable ASCII characters (space to tilde).
const wellFormed = /^[\x20-\x7e]{1,255}$/;

export type KeyHeader = { kind: 'absent' } | { kind: 'malformed' } | { kind: 'key'; key: string };

export function readKeyHeader(value: string | string[] | undefined): KeyHeader {
  if (value === undefined) return { kind: 'absent' };
  if (Array.isArray(value) || !wellFormed.test(value)) return { kind: 'malformed' };
  return { kind: 'key', key: value };
}

// Sorted keys at every depth: {"a":1,"b":2} and {"b":2,"a":1} are one request.
const canonicalJson = configure({ deterministic: true, circularValue: Error, bigint: false });

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

// The input rules every request meets before any DTO sees it (API.md "Conventions"), as
// pure functions over raw bytes and parsed values.

/** JSON nested deeper than this is refused before it is parsed. */
export const maxJsonDepth = 32;

/** Keys that would reach an object's prototype machinery in some consumer. */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when the JSON text nests objects/arrays deeper than `max`. One linear pass over the
 * bytes, outside strings, so a 900 KB body of `[[[[…` costs about a millisecond instead of
 * a deep recursive parse and validation.
 */
export function exceedsJsonDepth(bytes: Uint8Array, max = maxJsonDepth): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * The first hostile thing in a parsed value, as a field path and message, or null:
 * text containing U+0000 (PostgreSQL cannot store it) and prototype keys. Depth is bounded
 * before this runs, so the recursion is too.
 */
export function hostileValue(value: unknown, path = ''): { field: string; message: string } | null {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? { field: path || '(value)', message: `${path || 'value'} must not contain U+0000` } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = hostileValue(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (prototypeKeys.has(key)) return { field, message: `${key} is not an accepted property name` };
    if (key.includes('\u0000')) return { field: path || '(key)', message: 'property names must not contain U+0000' };
    const found = hostileValue((value as Record<string, unknown>)[key], field);
    if (found) return found;
  }
  return null;
}

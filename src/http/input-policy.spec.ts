import { exceedsJsonDepth, hostileValue } from './input-policy.js';

const bytes = (text: string) => Buffer.from(text);

describe('exceedsJsonDepth', () => {
  it('allows 32 levels and refuses 33', () => {
    expect(exceedsJsonDepth(bytes(`${'['.repeat(32)}${']'.repeat(32)}`))).toBe(false);
    expect(exceedsJsonDepth(bytes(`${'['.repeat(33)}${']'.repeat(33)}`))).toBe(true);
    expect(exceedsJsonDepth(bytes(`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify({ title: '['.repeat(100) })))).toBe(false);
    expect(exceedsJsonDepth(bytes(JSON.stringify({ title: `\\"${'['.repeat(100)}` })))).toBe(false);
  });

  it('scans a 900 KB body in one pass', () => {
    const deep = bytes('['.repeat(900_000));
    expect(exceedsJsonDepth(deep)).toBe(true);
    expect(exceedsJsonDepth(bytes(JSON.stringify({ body: 'x'.repeat(900_000) })))).toBe(false);
  });
});

describe('hostileValue', () => {
  it('finds U+0000 in values and keys, at any depth', () => {
    expect(hostileValue({ title: 'a\u0000b' })?.field).toBe('title');
    expect(hostileValue({ tags: ['ok', 'n\u0000'] })?.field).toBe('tags[1]');
    expect(hostileValue({ 'k\u0000': 1 })).not.toBeNull();
  });

  it('refuses prototype keys', () => {
    expect(hostileValue(JSON.parse('{"__proto__": {"admin": true}}'))?.field).toBe('__proto__');
    expect(hostileValue({ a: { constructor: { prototype: 1 } } })?.field).toBe('a.constructor');
    expect(hostileValue({ prototype: 1 })?.field).toBe('prototype');
  });

  it('passes ordinary input', () => {
    expect(hostileValue({ title: 'Café ☕', tagIds: [], publishAt: null, n: 3 })).toBeNull();
  });
});

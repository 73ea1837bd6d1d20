import { fillPaths, unfillable } from './fill-paths.js';

const pools = {
  a: ['a1', 'a2'],
  b: ['b1'],
  named: { handle: ['alice'], slug: ['s1', 's2'] },
};

describe('filling path parameters', () => {
  it('fills a single id with each of A’s ids of every model', () => {
    const filled = fillPaths('/v1/posts/:id', pools);
    expect(filled.map((f) => f.path)).toEqual(['/v1/posts/a1', '/v1/posts/a2']);
    expect(filled.every((f) => /^\/v1\/posts\/[0-9a-f-]{36}$/.test(f.control))).toBe(true);
  });

  it('mixes {A, B, random} across two ids, keeping only mixes with an id of A', () => {
    const filled = fillPaths('/x/:id/y/:deliveryId', pools);
    // (2 A + 1 B + 1 random)^2 = 16 mixes, of which 2 * 2 have no id of A.
    expect(filled).toHaveLength(12);
    expect(filled.map((f) => f.path)).toContain('/x/b1/y/a2');
    expect(filled.map((f) => f.path)).toContain('/x/a1/y/b1');
    const mix = filled.find((f) => f.path === '/x/b1/y/a2')!;
    expect(mix.control).toMatch(/^\/x\/b1\/y\/[0-9a-f-]{36}$/);
  });

  it('fills named parameters and refuses unknown ones instead of sending them literally', () => {
    expect(fillPaths('/p/:handle/posts/:slug', pools).map((f) => f.path)).toEqual(['/p/alice/posts/s1', '/p/alice/posts/s2']);
    expect(unfillable('/v1/tags/:tagName', pools)).toEqual(['tagName']);
    expect(fillPaths('/v1/tags/:tagName', pools)).toEqual([]);
  });
});

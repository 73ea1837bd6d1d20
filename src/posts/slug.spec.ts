import { slugify } from './slug.js';

describe('slugify', () => {
  it('makes lower-case ASCII words joined by dashes', () => {
    expect(slugify('  Crème Brûlée: A History! ')).toBe('creme-brulee-a-history');
  });

  it('never returns an empty slug', () => {
    expect(slugify('!!!')).toBe('post');
    expect(slugify('日本語')).toBe('post');
  });
});

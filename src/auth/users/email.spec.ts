import { normalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it('folds fullwidth and upper-case forms onto one address', () => {
    expect(normalizeEmail('ＡＤＭＩＮ＠Example.COM')).toBe('admin@example.com');
    expect(normalizeEmail('  Ada@Example.com ')).toBe('ada@example.com');
  });

  it('leaves an already normal address alone', () => {
    expect(normalizeEmail('ada.lovelace+x@example.com')).toBe('ada.lovelace+x@example.com');
  });
});

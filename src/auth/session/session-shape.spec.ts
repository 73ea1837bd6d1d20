import { isWellFormedSession } from './session-shape.js';

const cookie = { originalMaxAge: 1800000, expires: '2026-01-01T00:00:00.000Z', httpOnly: true, path: '/' };

describe('isWellFormedSession', () => {
  it('accepts what express-session and Byline store', () => {
    expect(isWellFormedSession({ cookie })).toBe(true);
    expect(
      isWellFormedSession({ cookie, passport: { user: 'u1' }, createdAt: 1, lastSeenAt: 2, handle: 'h', csrfToken: 't' }),
    ).toBe(true);
  });

  it('refuses anything else', () => {
    for (const sess of [null, 42, 'text', [], {}, { cookie: null }, { cookie: 'x' }, { cookie: { expires: 5 } }]) {
      expect(isWellFormedSession(sess)).toBe(false);
    }
    expect(isWellFormedSession({ cookie, passport: 'u1' })).toBe(false);
    expect(isWellFormedSession({ cookie, passport: { user: 42 } })).toBe(false);
    expect(isWellFormedSession({ cookie, createdAt: 'yesterday' })).toBe(false);
  });
});

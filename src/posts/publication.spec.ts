import { postStatus } from './publication.js';

describe('postStatus', () => {
  const noon = new Date('2026-12-01T12:00:00.000Z');

  it('is draft without a publish time, whatever the clock', () => {
    expect(postStatus(null, noon)).toBe('draft');
  });

  it('is scheduled until the exact instant, then published', () => {
    expect(postStatus(noon, new Date('2026-12-01T11:59:59.999Z'))).toBe('scheduled');
    expect(postStatus(noon, noon)).toBe('published');
    expect(postStatus(noon, new Date('2026-12-01T12:00:00.001Z'))).toBe('published');
  });
});

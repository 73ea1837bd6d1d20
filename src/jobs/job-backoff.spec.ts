import { backoffSeconds } from './job-backoff.js';

describe('backoffSeconds', () => {
  it('doubles from one interval per refused tick, capped at a minute', () => {
    expect([1, 2, 3, 4].map((failures) => backoffSeconds(5, failures))).toEqual([5, 10, 20, 40]);
    expect(backoffSeconds(5, 10)).toBe(60);
  });

  it('never backs off for less than one interval, even a long one', () => {
    expect(backoffSeconds(3600, 1)).toBe(3600);
    expect(backoffSeconds(3600, 5)).toBe(3600);
  });
});

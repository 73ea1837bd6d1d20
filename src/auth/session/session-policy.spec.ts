import { judgeSession, touchIntervalMs } from './session-policy.js';

const limits = { idleSeconds: 1800, absoluteSeconds: 43200 };
const start = Date.UTC(2026, 0, 1);

describe('judgeSession', () => {
  it('leaves a session seen less than a minute ago alone', () => {
    const times = { createdAt: start, lastSeenAt: start };
    expect(judgeSession(times, limits, start + 59_999)).toBe('fresh');
    expect(judgeSession(times, limits, start + 60_000)).toBe('touch');
  });

  it('expires at the idle limit, not a millisecond before', () => {
    const times = { createdAt: start, lastSeenAt: start };
    expect(judgeSession(times, limits, start + 1_799_999)).toBe('touch');
    expect(judgeSession(times, limits, start + 1_800_000)).toBe('expired');
  });

  it('expires at the absolute limit however recently it was used', () => {
    const lastSeenAt = start + 43_199_000;
    expect(judgeSession({ createdAt: start, lastSeenAt }, limits, start + 43_199_999)).toBe('fresh');
    expect(judgeSession({ createdAt: start, lastSeenAt }, limits, start + 43_200_000)).toBe('expired');
  });

  it('touches more often than the idle timeout when that is short', () => {
    expect(touchIntervalMs({ idleSeconds: 4, absoluteSeconds: 60 })).toBe(1000);
    expect(touchIntervalMs(limits)).toBe(60_000);
  });
});

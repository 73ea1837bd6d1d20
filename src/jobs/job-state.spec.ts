import { jobState } from './job-state.js';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, seconds));

describe('jobState', () => {
  const base = { intervalSeconds: 5, lastStartedAt: at(0), lastSucceededAt: at(1), lastFailedAt: null };

  it('is ok within three intervals of its last start, stale after', () => {
    expect(jobState(base, at(15))).toBe('ok');
    expect(jobState(base, new Date(at(15).getTime() + 1))).toBe('stale');
  });

  it('is failing when the last run failed, never-run before any', () => {
    expect(jobState({ ...base, lastFailedAt: at(2) }, at(3))).toBe('failing');
    expect(jobState({ ...base, lastStartedAt: null, lastSucceededAt: null }, at(3))).toBe('never-run');
  });
});

export interface Heartbeat {
  intervalSeconds: number;
  lastStartedAt: Date | null;
  lastSucceededAt: Date | null;
  lastFailedAt: Date | null;
}

export type JobState = 'ok' | 'failing' | 'stale' | 'never-run';

/** A job is stale once three of its intervals pass without a start (the dead man's switch). */
export function jobState(heartbeat: Heartbeat, now: Date): JobState {
  if (!heartbeat.lastStartedAt) return 'never-run';
  if (now.getTime() - heartbeat.lastStartedAt.getTime() > 3 * heartbeat.intervalSeconds * 1000) return 'stale';
  if (heartbeat.lastFailedAt && (!heartbeat.lastSucceededAt || heartbeat.lastFailedAt > heartbeat.lastSucceededAt)) {
    return 'failing';
  }
  return 'ok';
}

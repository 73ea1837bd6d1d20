/** A periodic side effect. Visibility is never a job: it is evaluated at request time. */
export interface Job {
  readonly name: string;
  readonly intervalSeconds: number;
  /** true: one instance runs each tick (advisory lock); false: instances share the work. */
  readonly exclusive: boolean;
  /** `stopping` aborts at shutdown: take no new work, finish or release what is held. */
  run(stopping?: AbortSignal): Promise<void>;
}

/** A periodic side effect. Visibility is never a job: it is evaluated at request time. */
export interface Job {
  readonly name: string;
  readonly intervalSeconds: number;
  /** true: one instance runs each tick (advisory lock); false: instances share the work. */
  readonly exclusive: boolean;
  run(): Promise<void>;
}

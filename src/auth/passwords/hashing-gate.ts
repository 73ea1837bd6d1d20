/**
 * A counting semaphore with a short queue, for work that would otherwise take every core.
 * Argon2 runs on libuv's thread pool, which also serves DNS lookups and file reads; with
 * both cores hashing, reads queue behind sign-ins. Past `capacity + queue` the caller is
 * refused at once (it answers 503), so a burst of sign-ins costs a bounded delay, not an
 * unbounded one.
 */
export class HashingGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly capacity: number,
    readonly queue: number,
  ) {}

  /** Runs `work` when a slot frees; null (and no work) when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<{ value: T } | null> {
    if (this.running >= this.capacity) {
      if (this.waiting.length >= this.queue) return null;
      // The releasing caller hands its slot over, so `running` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return { value: await work() };
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get busy(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}

import { HashingGate } from './hashing-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HashingGate', () => {
  it('runs at most `capacity` at once, queues `queue` more and refuses the rest', async () => {
    const gate = new HashingGate(1, 2);
    const release = deferred();
    let concurrent = 0;
    let peak = 0;
    const work = async () => {
      concurrent++;
      peak = Math.max(peak, concurrent);
      await release.promise;
      concurrent--;
      return 'done';
    };
    const runs = [gate.run(work), gate.run(work), gate.run(work), gate.run(work)];
    expect(await runs[3]).toBeNull();
    expect(gate.busy).toEqual({ running: 1, waiting: 2 });
    release.resolve();
    expect(await Promise.all(runs.slice(0, 3))).toEqual([{ value: 'done' }, { value: 'done' }, { value: 'done' }]);
    expect(peak).toBe(1);
    expect(gate.busy).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when the work throws', async () => {
    const gate = new HashingGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(() => Promise.resolve(1))).toEqual({ value: 1 });
  });
});

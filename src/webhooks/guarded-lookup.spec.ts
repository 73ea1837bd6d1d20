import type { LookupAddress } from 'node:dns';
import { guardedLookup, RefusedAddressError, type Resolver } from './guarded-lookup.js';

// A resolver with fixed answers, standing in for DNS (no network on these machines).
const fixed =
  (answers: Record<string, LookupAddress[]>): Resolver =>
  (hostname, options, callback) => {
    const all = answers[hostname];
    if (!all) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), []);
    callback(null, options.family ? all.filter((a) => a.family === options.family) : all);
  };

const resolver = fixed({
  'hooks.example.com': [
    { address: '93.184.216.34', family: 4 },
    { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
  ],
  'private.example.com': [{ address: '10.0.0.5', family: 4 }],
  'mixed.example.com': [
    { address: '93.184.216.34', family: 4 },
    { address: 'fd00::5', family: 6 },
  ],
  'localhost.test': [
    { address: '::1', family: 6 },
    { address: '127.0.0.1', family: 4 },
  ],
});

function ask(host: string, options: { all?: boolean; family?: number }, allowLoopback = false) {
  return new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
    guardedLookup(allowLoopback, resolver)(host, options as never, ((error: Error | null, address: unknown, family?: number) =>
      resolve({ error, address, family })) as never),
  );
}

describe('guardedLookup', () => {
  it('answers an array when asked with all: true (autoSelectFamily), both families checked', async () => {
    const { error, address } = await ask('hooks.example.com', { all: true });
    expect(error).toBeNull();
    expect(address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
  });

  it('answers one address and its family otherwise', async () => {
    expect(await ask('hooks.example.com', {})).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(await ask('hooks.example.com', { family: 6 })).toEqual({
      error: null,
      address: '2606:2800:220:1:248:1893:25c8:1946',
      family: 6,
    });
  });

  it('refuses a host name that resolves to a private address, in both forms', async () => {
    for (const options of [{ all: true }, {}]) {
      const { error } = await ask('private.example.com', options);
      expect(error).toBeInstanceOf(RefusedAddressError);
      expect(error!.message).toBe('10.0.0.5 is a private address');
    }
  });

  it('refuses the whole host when any of its addresses is refused (rebinding)', async () => {
    const { error } = await ask('mixed.example.com', { all: true });
    expect((error as RefusedAddressError).address).toBe('fd00::5');
  });

  it('admits loopback only when allowed', async () => {
    expect((await ask('localhost.test', { all: true })).error).toBeInstanceOf(RefusedAddressError);
    expect((await ask('localhost.test', { all: true }, true)).error).toBeNull();
  });

  it('passes DNS failures on', async () => {
    expect(((await ask('nowhere.example.com', { all: true })).error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });
});

import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { refusedAddress } from './address-guard.js';

/** Resolves every address of a host name (dns.lookup with `all: true`). */
export type Resolver = (
  hostname: string,
  options: { all: true; family?: number; hints?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/** The guard refused an address the host resolved to. */
export class RefusedAddressError extends Error {
  readonly code = 'EREFUSEDADDRESS';
  constructor(
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${address} ${reason}`);
  }
}

/**
 * A `lookup` for http(s).request that resolves every address of both families and lets the
 * connection proceed only when the guard accepts all of them (one refused address refuses
 * the host: a name that mixes public and private addresses is a rebinding attempt). The
 * socket connects only to the addresses returned here, so the check and the connection see
 * the same addresses. Answers in both forms: an array when asked with `all: true` (what
 * Node's net asks when it tries families in turn, autoSelectFamily) and one address otherwise.
 */
export function guardedLookup(allowLoopback: boolean, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : undefined;
    resolve(hostname, { all: true, family, hints: options.hints }, (error, addresses) => {
      const reply = callback as (error: Error | null, address: string | LookupAddress[], family?: number) => void;
      if (error) return reply(error, '', 0);
      if (!addresses.length) return reply(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      for (const { address } of addresses) {
        const reason = refusedAddress(address, allowLoopback);
        if (reason) return reply(new RefusedAddressError(address, reason), '', 0);
      }
      if (options.all) return reply(null, addresses);
      reply(null, addresses[0].address, addresses[0].family);
    });
  };
}

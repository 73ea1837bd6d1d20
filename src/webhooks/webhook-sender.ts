import { lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { refusedAddress } from './address-guard.js';

export type SendOutcome = { status: number } | { error: string };

/**
 * POSTs one delivery. The connection goes only to an address the guard accepts, checked on
 * the address actually resolved for this request (so DNS cannot be swapped after the
 * check); redirects are not followed; the whole attempt is bounded by `timeoutMs`.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowLoopback: boolean },
): Promise<SendOutcome> {
  const guardedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    lookup(hostname, { ...lookupOptions, all: false }, (error, address, family) => {
      if (error) return callback(error, '', 0);
      const reason = refusedAddress(address as string, options.allowLoopback);
      if (reason) return callback(new Error(`${address} ${reason}`), '', 0);
      callback(null, address as string, family as number);
    });
  };
  return new Promise((resolve) => {
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    const refused = literal && /^[\d.]+$|:/.test(literal) ? refusedAddress(literal, options.allowLoopback) : null;
    if (refused) return resolve({ error: `${literal} ${refused}` });
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup,
        timeout: options.timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('error', (error) => resolve({ error: error.message }));
      },
    );
    const deadline = setTimeout(() => request.destroy(new Error('timed out')), options.timeoutMs);
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => resolve({ error: error.message }));
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}

import http from 'node:http';
import https from 'node:https';
import ipaddr from 'ipaddr.js';
import { refusedAddress } from './address-guard.js';
import { DeliveryTimeout, describeFailure, statusFailure } from './delivery-failure.js';
import { guardedLookup, RefusedAddressError, type Resolver } from './guarded-lookup.js';

/** A 2xx-or-not status, or why no response came (the delivery's `lastError`). */
export type SendOutcome = { status: number; error: string | null } | { status: null; error: string };

export interface SendOptions {
  timeoutMs: number;
  allowLoopback: boolean;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
  /** For tests: how host names resolve. */
  resolve?: Resolver;
}

/**
 * POSTs one delivery. The connection goes only to addresses the guard accepts, checked on
 * the addresses resolved for this very request (guardedLookup), so DNS cannot be swapped
 * after the check; redirects are not followed; the whole attempt is bounded by `timeoutMs`.
 */
export function postWebhook(url: string, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendOutcome> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (ipaddr.isValid(host)) {
      const reason = refusedAddress(host, options.allowLoopback);
      if (reason) return resolve({ status: null, error: describeFailure(new RefusedAddressError(host, reason)) });
    }
    const client = target.protocol === 'https:' ? https : http;
    let settled = false;
    const settle = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(options.allowLoopback, options.resolve),
        signal: options.signal,
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.on('end', () => settle({ status, error: status >= 200 && status < 300 ? null : statusFailure(status) }));
        response.on('error', (error) => settle({ status: null, error: describeFailure(error) }));
      },
    );
    const deadline = setTimeout(() => request.destroy(new DeliveryTimeout(options.timeoutMs / 1000)), options.timeoutMs);
    request.on('error', (error) => settle({ status: null, error: describeFailure(error) }));
    request.end(body);
  });
}

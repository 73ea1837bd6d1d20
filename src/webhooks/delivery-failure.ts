// What `lastError` says about a failed attempt (../shared/API.md: status, timeout,
// connection refused, DNS, refused address), from the error the request ended with.

const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL']);

export class DeliveryTimeout extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(readonly seconds: number) {
    super(`timed out after ${seconds}s`);
  }
}

interface ErrorLike {
  code?: string;
  message?: string;
  errors?: unknown[];
}

/** The failure of a response with a non-2xx status. */
export function statusFailure(status: number): string {
  return `HTTP ${status}`;
}

/** A short, stable description of why the attempt failed; never a stack or an internal name. */
export function describeFailure(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  // Trying both families (autoSelectFamily) fails with an AggregateError of each attempt's error.
  const inner = Array.isArray(e.errors) && e.errors.length ? (e.errors as ErrorLike[]) : [e];
  const codes = inner.map((x) => x?.code).filter((code): code is string => !!code);
  const code = e.code ?? codes[0];
  if (error instanceof DeliveryTimeout) return `timeout after ${error.seconds}s`;
  if (code === 'EREFUSEDADDRESS') return `refused address: ${e.message}`;
  if (code && dnsCodes.has(code)) return `DNS lookup failed (${code})`;
  if (codes.length && codes.every((c) => c === 'ECONNREFUSED')) return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ETIMEDOUT') return 'timeout while connecting';
  if (code && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(code)) return `TLS failed (${code})`;
  return code ? `connection failed (${code})` : 'connection failed';
}

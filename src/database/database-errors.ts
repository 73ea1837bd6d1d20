/**
 * Why the database could not do the work right now; each maps to 503 with Retry-After.
 * - unreachable: no connection could be made, or the server ended it (restart, failover)
 * - busy: a bounded wait ran out (pool acquire, statement_timeout, lock_timeout) or the
 *   server has no room (too many connections)
 * - conflict: a serialization failure or deadlock that retrying did not resolve
 * - closed: the pool is closed because this process is shutting down
 */
export type Unavailability = 'unreachable' | 'busy' | 'conflict' | 'closed';

// Prisma's own codes.
const prismaCodes: Record<string, Unavailability> = {
  P1001: 'unreachable', // can't reach database server
  P1002: 'unreachable', // server timed out
  P1017: 'unreachable', // server closed the connection
  P2024: 'busy', // timed out fetching a connection from the pool
  P2028: 'busy', // an interactive transaction could not start in time (pool exhausted) or ran out of time
  P2034: 'conflict', // write conflict or deadlock
};

// Socket errors, from pg directly or inside a driver adapter error.
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH']);

// The pg adapter's error kinds (meta.driverAdapterError.cause.kind).
const adapterKinds: Record<string, Unavailability> = {
  DatabaseNotReachable: 'unreachable',
  ConnectionClosed: 'unreachable',
  SocketTimeout: 'unreachable',
  TooManyConnections: 'busy',
  TransactionWriteConflict: 'conflict',
};

/** SQLSTATEs (PostgreSQL's error codes) that mean "not now" rather than "not ever". */
function fromSqlState(code: string): Unavailability | undefined {
  if (code.startsWith('08')) return 'unreachable'; // connection exception
  if (code.startsWith('57P')) return 'unreachable'; // admin shutdown, crash, cannot connect now
  if (code.startsWith('53')) return 'busy'; // insufficient resources (too many connections)
  if (code === '57014' || code === '55P03' || code === '25P03') return 'busy'; // statement, lock, idle-in-transaction timeout
  if (code === '40001' || code === '40P01') return 'conflict'; // serialization failure, deadlock
  return undefined;
}

// pg raises these as plain Errors with no code.
const messages: Array<[RegExp, Unavailability]> = [
  [/cannot use a pool after calling end on the pool/i, 'closed'],
  [/timeout exceeded when trying to connect/i, 'busy'],
  [/connection terminated|connection ended|not queryable|ECONNREFUSED/i, 'unreachable'],
  [/query read timeout/i, 'busy'],
];

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
}

function classifyOne(candidate: ErrorLike): Unavailability | undefined {
  if (typeof candidate.code === 'string') {
    const code = candidate.code;
    if (prismaCodes[code]) return prismaCodes[code];
    if (socketCodes.has(code)) return 'unreachable';
    if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('P')) {
      const state = fromSqlState(code);
      if (state) return state;
    }
  }
  if (typeof candidate.kind === 'string' && adapterKinds[candidate.kind]) return adapterKinds[candidate.kind];
  if (typeof candidate.originalCode === 'string') {
    const state = fromSqlState(candidate.originalCode);
    if (state) return state;
  }
  if (candidate.name === 'PrismaClientInitializationError') return 'unreachable';
  if (typeof candidate.message === 'string') {
    for (const [pattern, reason] of messages) if (pattern.test(candidate.message)) return reason;
  }
  return undefined;
}

/**
 * The one classifier: whether `error`, in any shape Prisma (model or raw query, through the
 * pg adapter: P2010 carries the real reason in meta.driverAdapterError.cause), pg or the
 * session store raises it, means the database is unavailable right now, and why.
 */
export function databaseUnavailability(error: unknown): Unavailability | undefined {
  let cause: unknown = error;
  for (let depth = 0; cause && typeof cause === 'object' && depth < 6; depth++) {
    const candidate = cause as ErrorLike;
    const reason = classifyOne(candidate);
    if (reason) return reason;
    const adapterCause = candidate.meta?.driverAdapterError?.cause;
    if (adapterCause && typeof adapterCause === 'object') {
      const fromAdapter = classifyOne(adapterCause as ErrorLike);
      if (fromAdapter) return fromAdapter;
    }
    cause = candidate.cause;
  }
  return undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseUnavailability(error) !== undefined;
}

/** Seconds a client should wait before retrying, by reason. */
export function retryAfterSeconds(reason: Unavailability): number {
  return reason === 'busy' || reason === 'conflict' ? 1 : 5;
}

/** The SQLSTATE behind a Prisma error raised through the pg adapter, if there is one. */
export function postgresErrorCode(error: unknown): string | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } })
    .meta;
  return meta?.driverAdapterError?.cause?.originalCode;
}

/**
 * For a unique-constraint violation (Prisma's P2002), which of `fields` it concerns
 * (the first one its metadata names); undefined for any other error.
 */
export function uniqueViolationField<F extends string>(error: unknown, fields: F[]): F | undefined {
  const candidate = error as { code?: string; meta?: unknown; message?: unknown };
  // P2002 from a model query; a raw query (a SECURITY DEFINER function) gives the SQLSTATE.
  if (candidate?.code !== 'P2002' && postgresErrorCode(error) !== '23505') return undefined;
  const message = typeof candidate.message === 'string' ? candidate.message : '';
  const text = `${JSON.stringify(candidate.meta ?? {})} ${message}`;
  return fields.find((field) => text.includes(`"${field}"`) || text.includes(`_${field}_key`)) ?? fields[0];
}

// Recognises "the database cannot be reached" among the shapes Prisma and pg throw it in.
const unavailableCodes = new Set([
  'P1001', // can't reach database server
  'P1002', // server timed out
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
  'P2028', // an interactive transaction could not start in time (pool exhausted) or ran out of time
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const candidate = cause as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && unavailableCodes.has(candidate.code)) return true;
    if (candidate.name === 'PrismaClientInitializationError') return true;
    if (
      typeof candidate.message === 'string' &&
      /connection terminated|timeout exceeded when trying to connect|ECONNREFUSED/i.test(
        candidate.message,
      )
    ) {
      return true;
    }
    cause = candidate.cause;
  }
  return false;
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
  const candidate = error as { code?: string; meta?: unknown };
  if (candidate?.code !== 'P2002') return undefined;
  const meta = JSON.stringify(candidate.meta ?? {});
  return fields.find((field) => meta.includes(`"${field}"`)) ?? fields[0];
}

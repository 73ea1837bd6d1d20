import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Position } from '../database/keyset.js';
import { ValidationProblem } from './problems.js';

/**
 * Opaque, tamper-evident keyset cursors: the position (a timestamp and an id) with an HMAC
 * over it and the list it belongs to. A forged or foreign cursor is a 400, never a page.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  private mac(list: string, payload: string): Buffer {
    return createHmac('sha256', this.secret).update(`${list}\n${payload}`).digest().subarray(0, 16);
  }

  encode(list: string, position: Position): string {
    const payload = Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString(
      'base64url',
    );
    return `${payload}.${this.mac(list, payload).toString('base64url')}`;
  }

  decode(list: string, cursor: string): Position {
    const [payload, signature, extra] = cursor.split('.');
    const invalid = () => new ValidationProblem([{ field: 'cursor', message: 'cursor is not valid' }]);
    if (!payload || !signature || extra !== undefined) throw invalid();
    const expected = this.mac(list, payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    const [at, id] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [string, string];
    return { at: new Date(at), id };
  }
}

/**
 * One page of a keyset-paginated list: decodes the cursor, fetches one row more than the
 * limit (to know whether another page follows) and encodes the next cursor from the last
 * row kept.
 */
export async function paginate<T>(
  cursors: CursorCodec,
  list: string,
  query: { limit: number; cursor?: string },
  fetch: (after: Position | undefined, take: number) => Promise<T[]>,
  positionOf: (row: T) => Position,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const after = query.cursor ? cursors.decode(list, query.cursor) : undefined;
  const rows = await fetch(after, query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit ? cursors.encode(list, positionOf(last)) : null };
}

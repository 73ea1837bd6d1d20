import { createHmac, timingSafeEqual } from 'node:crypto';
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

  encode(list: string, position: { at: Date; id: string }): string {
    const payload = Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString(
      'base64url',
    );
    return `${payload}.${this.mac(list, payload).toString('base64url')}`;
  }

  decode(list: string, cursor: string): { at: Date; id: string } {
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

/** Takes `limit + 1` rows and splits them into the page and the next cursor. */
export function page<T>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => string,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]) : null };
}

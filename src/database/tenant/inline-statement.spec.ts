import { inlineStatement } from './inline-statement.js';
import { oneTripSql } from './tenant-pool.js';

describe('inlineStatement', () => {
  it('writes values as quoted literals, NULL for null', () => {
    expect(inlineStatement('SELECT * FROM posts WHERE id = $1::uuid AND n < $2 AND x IS $3', ['a-b', 20, null])).toBe(
      "SELECT * FROM posts WHERE id =  'a-b' ::uuid AND n <  '20'  AND x IS  NULL ",
    );
  });

  it('escapes quotes and backslashes, so a value cannot end its literal', () => {
    const out = inlineStatement('SELECT $1', ["x'; DROP TABLE posts; --\\"])!;
    expect(out).toBe(`SELECT   E'x''; DROP TABLE posts; --\\\\' `);
  });

  it('writes dates and arrays as pg would send them', () => {
    expect(inlineStatement('SELECT $1, $2', [new Date('2026-01-02T03:04:05.000Z'), ['a', 'b']])).toMatch(
      /SELECT {2}'2026-01-0\dT?.*' , {2}'\{"a","b"\}' $/,
    );
  });

  it('leaves $n alone inside quotes, identifiers and comments', () => {
    expect(inlineStatement(`SELECT '$1', "$1" -- $1\n, /* $1 */ $1`, ['v'])).toBe(`SELECT '$1', "$1" -- $1\n, /* $1 */  'v' `);
  });

  it('gives up on what it cannot be sure of', () => {
    expect(inlineStatement('SELECT $$ $1 $$', ['v'])).toBeUndefined();
    expect(inlineStatement("SELECT 1; SELECT set_config('app.user_id', $1, true)", ['v'])).toBeUndefined();
    expect(inlineStatement("SELECT E'\\' $1'", ['v'])).toBeUndefined();
    expect(inlineStatement('SELECT $2', ['v'])).toBeUndefined();
    expect(inlineStatement('SELECT $1', [Buffer.from('x')])).toBeUndefined();
    expect(inlineStatement("SELECT 'unterminated", [])).toBeUndefined();
    expect(inlineStatement('SELECT $1', ['nul\u0000'])).toBeUndefined();
  });
});

describe('oneTripSql', () => {
  const me = '00000000-0000-4000-8000-00000000000a';

  it('puts READ ONLY, the tenant and the statement in one message', () => {
    expect(oneTripSql(me, 'SELECT id FROM posts WHERE id = $1', ['x'], true)).toBe(
      `SET TRANSACTION READ ONLY; SELECT set_config('app.user_id', '${me}', true); SELECT id FROM posts WHERE id =  'x' `,
    );
  });

  it('leaves transaction control and settings to the BEGIN path, and refuses a tenant that is not a UUID', () => {
    for (const text of ['BEGIN', 'COMMIT', 'SET ROLE byline_worker', 'SAVEPOINT a']) {
      expect(oneTripSql(me, text)).toBeUndefined();
    }
    expect(() => oneTripSql("x', true); --", 'SELECT 1')).toThrow();
  });
});

import { inlineStatement } from './inline-statement.js';

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

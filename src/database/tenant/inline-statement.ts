// Writes a parameterised statement's values into its text as literals, so that it can go
// in one simple-protocol message together with the statements that set up its
// transaction: one round trip instead of three. pg sends parameters as text of unknown
// type, and an untyped quoted literal is inferred exactly the same way, so the statement
// means the same. Returns undefined when it cannot be sure (a dollar-quoted body, a binary
// value): the caller then takes the ordinary path.
import { createRequire } from 'node:module';
import pg from 'pg';

const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
  prepareValue: (value: unknown) => string | Buffer | null;
};

function literal(value: unknown): string | undefined {
  const prepared = prepareValue(value);
  if (prepared === null) return 'NULL';
  if (typeof prepared !== 'string') return undefined;
  if (prepared.includes('\u0000')) return undefined;
  return pg.escapeLiteral(prepared);
}

export function inlineStatement(text: string, values: readonly unknown[] = []): string | undefined {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "'" || c === '"') {
      // A quoted literal or identifier, doubled quotes included, copied as it is.
      let j = i + 1;
      for (;;) {
        const end = text.indexOf(c, j);
        if (end < 0) return undefined;
        if (text[end + 1] === c) j = end + 2;
        else {
          j = end + 1;
          break;
        }
      }
      out += text.slice(i, j);
      i = j;
    } else if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const j = end < 0 ? text.length : end;
      out += text.slice(i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0 || text.slice(i + 2, end).includes('/*')) return undefined;
      out += text.slice(i, end + 2);
      i = end + 2;
    } else if (c === ';') {
      // One statement only: a second could reset the tenant within the same transaction.
      return undefined;
    } else if (c === '$') {
      const match = /^\$(\d+)/.exec(text.slice(i));
      // A dollar-quoted string (or anything else with $): not ours to rewrite.
      if (!match) return undefined;
      const index = Number(match[1]) - 1;
      if (index < 0 || index >= values.length) return undefined;
      const value = literal(values[index]);
      if (value === undefined) return undefined;
      out += ` ${value} `;
      i += match[0].length;
    } else if (c === 'E' || c === 'e' || c === 'U' || c === 'u' || c === 'B' || c === 'b' || c === 'X' || c === 'x') {
      // E'…' (backslash escapes), U&'…', B'…', X'…': leave the statement alone.
      if (next === "'" || (next === '&' && text[i + 2] === "'")) {
        if (!/\w/.test(text[i - 1] ?? '')) return undefined;
      }
      out += c;
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

// What `a-unchanged` compares: A's `users` row and every row, in every table, that
// references any of A's ids: in a uuid column (a key or a foreign key) or inside a JSON
// column. So a row of B's pointing at A's tag, an audit entry naming A, or a change to A's
// account shows up, not only A's own user_id rows. Text columns are not searched: the probes
// plant A's ids as B's titles and names on purpose, and such a copy references nothing.
import pg from 'pg';

export interface Snapshotter {
  take(): Promise<string>;
  close(): Promise<void>;
}

// The migration ledger holds no tenant's data. Everything else is watched, the session store
// included: A sends no request while the probes run, so A's session row must stay as it is.
const ignoredTables = new Set(['_prisma_migrations']);

export async function snapshotter(databaseUrl: string, ids: () => string[]): Promise<Snapshotter> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ table: string }>(
    `SELECT table_name AS "table" FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const columns = await client.query<{ table: string; column: string; type: string }>(
    `SELECT table_name AS "table", column_name AS "column", data_type AS type FROM information_schema.columns
     WHERE table_schema = current_schema() AND data_type IN ('uuid', 'json', 'jsonb')`,
  );
  const conditions = new Map<string, string>();
  for (const table of rows.map((r) => r.table).filter((t) => !ignoredTables.has(t))) {
    const own = columns.rows.filter((c) => c.table === table);
    if (!own.length) continue;
    conditions.set(
      table,
      own.map((c) => (c.type === 'uuid' ? `t."${c.column}"::text = ANY($1)` : `t."${c.column}"::text ~* $2`)).join(' OR '),
    );
  }
  return {
    async take() {
      const list = ids().filter(Boolean);
      const pattern = list.map((id) => id.replace(/[^0-9a-zA-Z-]/g, '')).join('|');
      const parts: string[] = [];
      for (const [table, where] of conditions) {
        const result = await client.query<{ row: string }>(
          `SELECT to_jsonb(t)::text AS row FROM "${table}" t WHERE ${where} ORDER BY 1`,
          where.includes('$2') ? [list, pattern] : [list],
        );
        parts.push(`${table}: ${result.rows.map((r) => r.row).join('\n  ')}`);
      }
      return parts.join('\n');
    },
    close: () => client.end(),
  };
}

/** The first differing line of two snapshots, for the report. */
export function firstDifference(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `before: ${(a[i] ?? '(none)').slice(0, 300)} / after: ${(b[i] ?? '(none)').slice(0, 300)}`;
  }
  return 'identical';
}

// What row-level security costs on the signed-in list (issue 11's target: at most 10%),
// measured two ways, both A B A B on the same seeded database:
//  - over HTTP: Byline as its own role (RLS on) against the same build connected as the
//    migration owner, a superuser, which PostgreSQL exempts from every policy ("RLS off").
//    Both still send each tenant statement in its own transaction with the tenant set, so
//    this isolates the policies' cost;
//  - at the database, one connection, the list query alone: as the application role, in
//    the one message Byline sends for a read (SET TRANSACTION READ ONLY; set_config; the
//    statement with its values inlined), against the bare prepared statement as the owner
//    (what it sent before RLS): the cost of the policies plus setting the tenant.
import pg from 'pg';
import { oneTripSql } from '../src/database/tenant/tenant-pool.js';

interface Figures { rps: number; p50: number; p99: number }

export interface RlsCost {
  http: { on: Figures; off: Figures; cost: number };
  sql: { onMicros: number; offMicros: number; cost: number };
}

const listSql = `
  SELECT p.id, p.title, p.slug, p.publish_at, p.created_at FROM posts p
  WHERE p.user_id = $1::uuid ORDER BY p.created_at DESC, p.id DESC LIMIT 20`;

async function timeQueries(url: string, userIds: string[], withTenant: boolean, rounds: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) {
      const userId = userIds[i % userIds.length];
      if (withTenant) {
        await client.query(oneTripSql(userId, listSql, [userId], true)!);
      } else {
        await client.query({ name: 'bench_list', text: listSql, values: [userId] });
      }
    }
    return Number(process.hrtime.bigint() - started) / 1000 / rounds;
  } finally {
    await client.end();
  }
}

export async function rlsCost(options: {
  measure: (base: string) => Promise<Figures>;
  on: string;
  off: string;
  appUrl: string;
  ownerUrl: string;
  userIds: string[];
}): Promise<RlsCost> {
  const { measure, on, off } = options;
  const runs = { on: [] as Figures[], off: [] as Figures[] };
  for (let i = 0; i < 2; i++) {
    runs.on.push(await measure(on));
    runs.off.push(await measure(off));
  }
  const mean = (xs: Figures[]): Figures => ({
    rps: xs.reduce((n, x) => n + x.rps, 0) / xs.length,
    p50: xs.reduce((n, x) => n + x.p50, 0) / xs.length,
    p99: xs.reduce((n, x) => n + x.p99, 0) / xs.length,
  });
  const [httpOn, httpOff] = [mean(runs.on), mean(runs.off)];
  const rounds = 3000;
  const sqlOn: number[] = [];
  const sqlOff: number[] = [];
  for (let i = 0; i < 2; i++) {
    sqlOn.push(await timeQueries(options.appUrl, options.userIds, true, rounds));
    sqlOff.push(await timeQueries(options.ownerUrl, options.userIds, false, rounds));
  }
  const [onMicros, offMicros] = [sqlOn, sqlOff].map((xs) => xs.reduce((n, x) => n + x, 0) / xs.length);
  return {
    http: { on: httpOn, off: httpOff, cost: 1 - httpOn.rps / httpOff.rps },
    sql: { onMicros, offMicros, cost: onMicros / offMicros - 1 },
  };
}

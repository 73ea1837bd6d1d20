// The hook for the database's own walls (row-level security enabled and forced, the
// application role, composite keys, the public view's columns, a raw-SQL probe as the
// application role). Those checks live in ./database-checks.ts, built alongside this audit;
// until that file exists the audit says so in its report instead of failing.
//
// Contract for database-checks.ts (as issue 11 builds it): export
//   async function databaseChecks(appUrl: string, ownerUrl: string):
//     Promise<Array<{ check: string; ok: boolean; severity: 'fail' | 'warn'; detail: string }>>
// A `warn` is reported and does not fail the audit.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from './check-result.js';

export interface DatabaseCheckContext {
  /** The audit's disposable database, as the application connects to it. */
  databaseUrl: string;
  /** The same database as its owner (sees every row, reads the catalogue). */
  ownerUrl: string;
}

type DatabaseCheck = CheckResult & { severity?: 'fail' | 'warn' };
type DatabaseChecksModule = { databaseChecks?: (appUrl: string, ownerUrl: string) => Promise<DatabaseCheck[]> };

export async function runDatabaseChecks(context: DatabaseCheckContext): Promise<CheckResult[]> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = ['database-checks.js', 'database-checks.ts'].map((f) => path.join(here, f));
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    return [{ check: 'database-checks', ok: true, detail: 'not present: src/isolation-audit/database-checks.ts is not in this build (RLS checks come with it)' }];
  }
  const specifier = `./${path.basename(file).replace(/\.ts$/, '.js')}`;
  const loaded = (await import(specifier)) as DatabaseChecksModule;
  if (typeof loaded.databaseChecks !== 'function') {
    return [{ check: 'database-checks', ok: false, detail: `${specifier} exports no databaseChecks(context) function` }];
  }
  const checks = await loaded.databaseChecks(context.databaseUrl, context.ownerUrl);
  return checks.map(({ check, ok, severity, detail }) => ({
    check: `database: ${check}`,
    ok: ok || severity === 'warn',
    detail: !ok && severity === 'warn' ? `warning: ${detail}` : detail,
  }));
}

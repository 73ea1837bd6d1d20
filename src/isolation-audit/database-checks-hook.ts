// The hook for the database's own walls (row-level security enabled and forced, the
// application role, composite keys, the public view's columns, a raw-SQL probe as the
// application role). Those checks live in ./database-checks.ts, built alongside this audit;
// until that file exists the audit says so in its report instead of failing.
//
// Contract for database-checks.ts: export
//   async function databaseChecks(context: DatabaseCheckContext): Promise<CheckResult[]>
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from './check-result.js';

export interface DatabaseCheckContext {
  /** The audit's disposable database, as the application connects to it. */
  databaseUrl: string;
  /** Seeded tenants: A owns data in every tenant table, B too. */
  tenantA: string;
  tenantB: string;
}

type DatabaseChecksModule = { databaseChecks?: (context: DatabaseCheckContext) => Promise<CheckResult[]> };

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
  return loaded.databaseChecks(context);
}

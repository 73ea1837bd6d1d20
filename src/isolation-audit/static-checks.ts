import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseService } from '../database/database.service.js';
import { TenantDatabase } from '../database/tenant/tenant-database.service.js';

export interface UnscopedPath {
  file: string;
  line: number;
  reason: string;
}

export interface StaticFindings {
  /** Tables with a user_id column, and whether the scoped layer knows each. */
  tenantTables: Array<{ table: string; known: boolean }>;
  unscopedPaths: UnscopedPath[];
  /** unscoped( calls whose reason is not a plain string literal. */
  unexplained: UnscopedPath[];
}

/** Blanks out comments, keeping line numbers, so only code is searched. */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** Every call of `.unscoped(...)` in the source, with file, line and stated reason. */
export async function findUnscopedPaths(
  srcDir: string,
): Promise<{ paths: UnscopedPath[]; unexplained: UnscopedPath[] }> {
  const paths: UnscopedPath[] = [];
  const unexplained: UnscopedPath[] = [];
  const entries = await readdir(srcDir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const relative = path.relative(path.dirname(srcDir), file);
    if (relative.includes('generated/')) continue;
    const code = withoutComments(await readFile(file, 'utf8'));
    // worker( is the jobs' path across tenants (DatabaseService.worker), listed alike.
    for (const match of code.matchAll(/\.(?:unscoped|worker)\(\s*(?:'([^']*)'|"([^"]*)")?/g)) {
      const line = code.slice(0, match.index).split('\n').length;
      const reason = (match[1] ?? match[2] ?? '').trim();
      if (reason) paths.push({ file: relative, line, reason });
      else unexplained.push({ file: relative, line, reason: '(none stated)' });
    }
  }
  return { paths, unexplained };
}

export async function staticChecks(database: DatabaseService, tenant: TenantDatabase, srcDir: string): Promise<StaticFindings> {
  const rows = await database.unscoped('isolation audit: reads the catalogue, not tenant rows').$queryRaw<{ table: string }[]>`
    SELECT DISTINCT table_name AS "table" FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'user_id' ORDER BY 1`;
  const known = new Set(tenant.tables);
  const { paths, unexplained } = await findUnscopedPaths(srcDir);
  return {
    tenantTables: rows.map(({ table }) => ({ table, known: known.has(table) })),
    unscopedPaths: paths,
    unexplained,
  };
}

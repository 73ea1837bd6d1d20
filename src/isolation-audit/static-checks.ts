import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CheckResult } from './check-result.js';

export interface UnscopedPath {
  file: string;
  line: number;
  reason: string;
}

export interface AllowedUnscopedPath {
  file: string;
  reason: string;
}

export interface StaticFindings {
  /** Tables with a user_id column, and whether the scoped layer knows each. */
  tenantTables: Array<{ table: string; known: boolean }>;
  unscopedPaths: UnscopedPath[];
  /** unscoped( calls whose reason is not a plain string literal. */
  unexplained: UnscopedPath[];
  /** The unscoped paths against the checked-in allow-list. */
  allowList: CheckResult[];
}

export const allowListFile = 'src/isolation-audit/unscoped-allowlist.json';

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
    // worker( is the jobs' path across tenants (DatabaseService.worker), operator( the
    // command line's (DatabaseService.operator), listed alike.
    for (const match of code.matchAll(/\.(?:unscoped|worker|operator)\(\s*(?:'([^']*)'|"([^"]*)")?/g)) {
      const line = code.slice(0, match.index).split('\n').length;
      const reason = (match[1] ?? match[2] ?? '').trim();
      if (reason) paths.push({ file: relative, line, reason });
      else unexplained.push({ file: relative, line, reason: '(none stated)' });
    }
  }
  return { paths, unexplained };
}

const entryKey = (p: AllowedUnscopedPath) => JSON.stringify({ file: p.file, reason: p.reason });

/**
 * The unscoped paths must be exactly the allow-list, as a multiset of (file, reason): a new
 * call, even one with a plausible reason or a reason copied from a listed call in the same
 * file, fails until the list changes in the same commit, so a reviewer judges it.
 */
export function checkAllowList(found: UnscopedPath[], allowed: AllowedUnscopedPath[]): CheckResult[] {
  const remaining = new Map<string, number>();
  for (const entry of allowed) remaining.set(entryKey(entry), (remaining.get(entryKey(entry)) ?? 0) + 1);
  const results: CheckResult[] = [];
  for (const p of found) {
    const key = entryKey(p);
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    else
      results.push({
        check: 'unscoped-allow-list',
        ok: false,
        detail: `${p.file}:${p.line} calls unscoped() and is not in the allow-list: if a reviewer accepts it, add ${entryKey(p)} to ${allowListFile}`,
      });
  }
  for (const [key, left] of remaining) {
    for (let i = 0; i < left; i++)
      results.push({ check: 'unscoped-allow-list', ok: false, detail: `${key} is in ${allowListFile} but no such call exists: remove it` });
  }
  if (!results.length) results.push({ check: 'unscoped-allow-list', ok: true, detail: `${found.length} unscoped paths, each in the allow-list` });
  return results;
}

export async function staticChecks(
  catalogue: (sql: string) => Promise<Array<{ table: string }>>,
  tenantTables: string[],
  srcDir: string,
  allowed: AllowedUnscopedPath[],
): Promise<StaticFindings> {
  const rows = await catalogue(`
    SELECT DISTINCT table_name AS "table" FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_name = 'user_id' ORDER BY 1`);
  const known = new Set(tenantTables);
  const { paths, unexplained } = await findUnscopedPaths(srcDir);
  return {
    tenantTables: rows.map(({ table }) => ({ table, known: known.has(table) })),
    unscopedPaths: paths,
    unexplained,
    allowList: checkAllowList(paths, allowed),
  };
}

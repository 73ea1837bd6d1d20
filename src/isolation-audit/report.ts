import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AuditReport } from './run-audit.js';

export function markdown(report: AuditReport): string {
  const lines = [
    '# Isolation audit',
    '',
    `Run at ${report.startedAt}. Verdict: **${report.held ? 'every route held' : 'FAILED'}**.`,
    '',
    '| route | access | tenant model | probes | verdict |',
    '|---|---|---|---|---|',
    ...report.routes.map(
      (r) =>
        `| \`${r.method} ${r.path}\` | ${r.access} | ${r.tenantModel ?? '–'} | ${[...new Set(r.probes.map((p) => p.probe))].join(', ')} | ${r.held ? 'held' : `**FAILED**: ${r.probes.filter((p) => !p.ok).map((p) => `${p.probe} (${p.detail})`).join('; ')}`} |`,
    ),
    '',
    '## Tables with a user_id column',
    '',
    ...report.staticChecks.tenantTables.map((t) => `- \`${t.table}\`: ${t.known ? 'known to the scoped layer' : '**NOT known to the scoped layer**'}`),
    '',
    '## The database (row-level security, roles, keys, public view)',
    '',
    ...report.databaseChecks.map(
      (c) => `- ${c.ok ? 'held' : c.severity === 'warn' ? '**WEAKER**' : '**FAILED**'}: ${c.check} (${c.detail})`,
    ),
    '',
    '## Unscoped access paths',
    '',
    ...report.staticChecks.unscopedPaths.map((p) => `- \`${p.file}:${p.line}\`: ${p.reason}`),
    ...report.staticChecks.unexplained.map((p) => `- \`${p.file}:${p.line}\`: **no stated reason**`),
    '',
  ];
  return lines.join('\n');
}

export function summary(report: AuditReport): string {
  const failed = report.routes.filter((r) => !r.held);
  const probes = report.routes.reduce((n, r) => n + r.probes.length, 0);
  const lines = [
    `Isolation audit: ${report.routes.length} routes, ${probes} probes, ${report.staticChecks.unscopedPaths.length} unscoped paths with reasons.`,
    ...failed.map(
      (r) => `  FAILED ${r.method} ${r.path}: ${r.probes.filter((p) => !p.ok).map((p) => `${p.probe} (${p.detail})`).join('; ')}`,
    ),
    ...report.staticChecks.tenantTables.filter((t) => !t.known).map((t) => `  FAILED table ${t.table} has user_id but the scoped layer does not know it`),
    ...report.staticChecks.unexplained.map((p) => `  FAILED ${p.file}:${p.line} unscoped access without a stated reason`),
    `Database checks: ${report.databaseChecks.filter((c) => c.ok).length} of ${report.databaseChecks.length} held.`,
    ...report.databaseChecks
      .filter((c) => !c.ok)
      .map((c) => `  ${c.severity === 'warn' ? 'WEAKER' : 'FAILED'} ${c.check}: ${c.detail}`),
    report.held ? 'Every route held.' : 'The audit FAILED.',
  ];
  return lines.join('\n');
}

export async function writeReports(report: AuditReport, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'isolation-audit.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(dir, 'isolation-audit.md'), markdown(report));
}

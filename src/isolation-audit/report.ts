import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AuditReport } from './run-audit.js';

/** What the audit cannot see, stated plainly so nobody reads more into a green run. */
export const blindSpots = [
  'Routes are probed with the seeded data only: two tenants, one row or a few per tenant model. A leak that needs other data (a second page of a long list sorted some other way, a tag shared by name) is outside it.',
  'Inputs are the fields the validator accepts and the OpenAPI document lists; a handler that reads `req.query`, `req.body` or a header directly, bypassing the DTO, is not seeded through that input.',
  'Only two tenants and the built-in roles are seeded; a leak between an admin and a custom role, or through a role granted at run time, is not probed.',
  'Time: the audit runs at one instant; a leak that exists only while a scheduled post crosses `publish_at`, or only in a job run (jobs are off during probes), is not seen.',
  'Side channels: timing, response sizes and headers other than the body (ETag, Cache-Control) are not compared between a foreign id and a missing one.',
  'Markers are A’s values in the forms listed in markers.ts (case, URL, base64, md5/sha1/sha256 of the email); an encoding outside that list, or a value derived from several fields, passes.',
  'Writes that change A’s data are seen through `a-unchanged` (A’s users row and every row naming an id of A’s); a write that changes a row naming none of A’s ids (a counter, a global setting) is not.',
  'The database’s own walls (row-level security, roles) are checked only when src/isolation-audit/database-checks.ts is present; the HTTP probes run as the application and cannot tell which wall held.',
  'Jobs, the CLI and other non-HTTP entry points are judged only through the unscoped allow-list, not probed.',
];

export function markdown(report: AuditReport): string {
  const failedDetail = (r: AuditReport['routes'][number]) =>
    r.probes
      .filter((p) => !p.ok)
      .map((p) => `${p.probe} (${p.detail})`)
      .join('; ')
      .replace(/\|/g, '\\|');
  const totals = totalsOf(report);
  const lines = [
    '# Isolation audit',
    '',
    `Run at ${report.startedAt} in ${(report.durationMs / 1000).toFixed(1)} s. Verdict: **${report.held ? 'every route and check held' : 'FAILED'}**.`,
    '',
    '| route | access | probes | verdict |',
    '|---|---|---|---|',
    ...report.routes.map(
      (r) =>
        `| \`${r.method} ${r.path}\` | ${r.access} | ${[...new Set(r.probes.map((p) => p.probe))].join(', ')} | ${r.held ? 'held' : `**FAILED**: ${failedDetail(r)}`} |`,
    ),
    '',
    '## Whole-application checks',
    '',
    ...report.checks.map((c) => `- ${c.ok ? 'held' : '**FAILED**'} \`${c.check}\`: ${c.detail}`),
    '',
    '## Coverage',
    '',
    `${totals.routes} routes, ${totals.probes} probes, ${totals.requests} requests; ${report.markers} taint markers (A's values and their derived forms).`,
    '',
    '| route | paths probed | A ids in paths | input variants | requests |',
    '|---|---|---|---|---|',
    ...report.routes.map(
      (r) => `| \`${r.method} ${r.path}\` | ${r.coverage.paths} | ${r.coverage.aIds} | ${r.coverage.inputs} | ${r.coverage.requests} |`,
    ),
    '',
    '### What the audit cannot see',
    '',
    ...blindSpots.map((s) => `- ${s}`),
    '',
    '## Tables with a user_id column',
    '',
    ...report.staticChecks.tenantTables.map((t) => `- \`${t.table}\`: ${t.known ? 'known to the scoped layer' : '**NOT known to the scoped layer**'}`),
    '',
    '## Unscoped access paths (the allow-list: src/isolation-audit/unscoped-allowlist.json)',
    '',
    ...report.staticChecks.unscopedPaths.map((p) => `- \`${p.file}:${p.line}\`: ${p.reason}`),
    ...report.staticChecks.unexplained.map((p) => `- \`${p.file}:${p.line}\`: **no stated reason**`),
    '',
  ];
  return lines.join('\n');
}

export function totalsOf(report: AuditReport) {
  return {
    routes: report.routes.length,
    probes: report.routes.reduce((n, r) => n + r.probes.length, 0),
    requests: report.routes.reduce((n, r) => n + r.coverage.requests, 0),
  };
}

export function summary(report: AuditReport): string {
  const failed = report.routes.filter((r) => !r.held);
  const totals = totalsOf(report);
  const lines = [
    `Isolation audit: ${totals.routes} routes, ${totals.probes} probes, ${totals.requests} requests, ${report.staticChecks.unscopedPaths.length} unscoped paths in the allow-list, ${(report.durationMs / 1000).toFixed(1)} s.`,
    ...failed.map(
      (r) => `  FAILED ${r.method} ${r.path}: ${r.probes.filter((p) => !p.ok).map((p) => `${p.probe} (${p.detail})`).join('; ')}`,
    ),
    ...report.checks.filter((c) => !c.ok).map((c) => `  FAILED ${c.check}: ${c.detail}`),
    ...report.staticChecks.tenantTables.filter((t) => !t.known).map((t) => `  FAILED table ${t.table} has user_id but the scoped layer does not know it`),
    ...report.staticChecks.unexplained.map((p) => `  FAILED ${p.file}:${p.line} unscoped access without a stated reason`),
    report.held ? 'Every route and check held.' : 'The audit FAILED.',
  ];
  return lines.join('\n');
}

export async function writeReports(report: AuditReport, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'isolation-audit.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(dir, 'isolation-audit.md'), markdown(report));
}

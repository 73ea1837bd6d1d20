// npm run audit:mutants — the isolation audit's own mutation test. For each planted leak of
// the catalog: copy the build and the sources to a temporary folder, apply the patch to the
// TypeScript, re-transpile only the patched files into the copied build (no full build per
// mutant), and run the audit there in its own process. A mutant the audit does not catch
// fails the run, except one only row-level security can stop while the build has none.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import ts from 'typescript';
import { serverOrTemporary } from '../../database/embedded-postgres.js';
import { applyMigrations, withDatabase } from '../../database/migrations.js';
import type { AuditReport } from '../run-audit.js';
import { type Mutant, mutants } from './catalog.js';
import { type MutantResult, mutantsMarkdown } from './mutant-report.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Applies the patches to a copy of the sources and the build; throws on a stale patch. */
async function prepare(mutant: Mutant): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `byline-mutant-${mutant.name}-`));
  await cp(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  await cp(path.join(root, 'src'), path.join(dir, 'src'), { recursive: true, filter: (f) => !f.includes(`${path.sep}generated`) });
  await cp(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  await symlink(path.join(root, 'prisma'), path.join(dir, 'prisma'), 'dir');
  await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const files = new Map<string, string>();
  for (const patch of mutant.patches) {
    const file = path.join(dir, patch.file);
    const text = files.get(file) ?? (await readFile(file, 'utf8'));
    if (!text.includes(patch.find)) throw new Error(`mutant ${mutant.name} is stale: ${patch.file} no longer contains ${JSON.stringify(patch.find)}`);
    files.set(file, text.replace(patch.find, () => patch.replace));
  }
  for (const [file, text] of files) {
    await writeFile(file, text);
    const out = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
        removeComments: true,
      },
    });
    const target = path.join(dir, 'dist', path.relative(path.join(dir, 'src'), file)).replace(/\.ts$/, '.js');
    await writeFile(target, out.outputText);
  }
  return dir;
}

async function audit(dir: string, serverUrl: string, template: string, sql = ''): Promise<AuditReport> {
  const reportPath = path.join(dir, 'report.json');
  await run(process.execPath, [path.join(dir, 'dist/isolation-audit/mutants/audit-mutant.js'), serverUrl, template, reportPath, sql], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(await readFile(reportPath, 'utf8')) as AuditReport;
}

function failures(report: AuditReport): string[] {
  return [
    ...report.routes.flatMap((r) => r.probes.filter((p) => !p.ok).map((p) => `${r.method} ${r.path}: ${p.probe}`)),
    ...report.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail.slice(0, 160)}`),
  ];
}

/**
 * A migrated database every mutant's audit copies (migrating once, not per mutant), and
 * whether this build's migrations put row-level security on the tenant tables.
 */
async function migratedTemplate(serverUrl: string) {
  const name = `byline_mutant_template_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  await applyMigrations(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ on: boolean }>(`SELECT relrowsecurity AS on FROM pg_class WHERE relname = 'posts' AND relkind = 'r'`);
  await client.end();
  return {
    name,
    rls: rows[0]?.on === true,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      await admin.end();
    },
  };
}

const baselineMutant: Mutant = { name: 'baseline', wall: 'unscoped path', leak: 'none: the unpatched build', patches: [], rls: 'no' };

async function main() {
  const only = process.argv.slice(2);
  const selected = only.length ? mutants.filter((m) => only.includes(m.name)) : mutants;
  const database = await serverOrTemporary(process.env.DATABASE_URL);
  const started = Date.now();
  const results: MutantResult[] = [];
  let template: Awaited<ReturnType<typeof migratedTemplate>> | undefined;
  let baselineHeld = false;
  try {
    template = await migratedTemplate(database.url);
    const { rls } = template;
    const concurrency = Number(process.env.MUTANT_CONCURRENCY ?? 2);
    // The unpatched build runs first in the queue: it must hold, or every mutant would look caught.
    const queue: Mutant[] = [baselineMutant, ...selected];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let mutant = queue.shift(); mutant; mutant = queue.shift()) {
          const t0 = Date.now();
          const dir = await prepare(mutant);
          try {
            const report = await audit(dir, database.url, template!.name, mutant.sql);
            const found = failures(report);
            if (mutant === baselineMutant) {
              baselineHeld = report.held;
              console.log(`${(report.held ? 'held' : 'FAILED').padEnd(40)} the unpatched build${found.length ? `: ${found.join('; ')}` : ''}`);
              continue;
            }
            const outcome: MutantResult['outcome'] = !report.held
              ? 'caught by the audit'
              : mutant.rls !== 'no' && rls
                ? 'stopped by RLS (the audit saw no leak)'
                : mutant.rls === 'only'
                  ? 'pending: needs RLS, not in this build'
                  : 'SURVIVED';
            results.push({ name: mutant.name, wall: mutant.wall, leak: mutant.leak, rls: mutant.rls, outcome, failures: found, seconds: (Date.now() - t0) / 1000 });
            console.log(`${outcome.padEnd(40)} ${mutant.name} (${mutant.wall}) ${((Date.now() - t0) / 1000).toFixed(0)} s${found.length ? `: ${found.slice(0, 3).join('; ')}` : ''}`);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        }
      }),
    );
  } finally {
    await template?.drop();
    await database.stop();
  }
  if (!baselineHeld) {
    console.error('The unpatched build fails the audit, so the mutants prove nothing. Fix that first.');
    process.exit(1);
  }
  results.sort((a, b) => mutants.findIndex((m) => m.name === a.name) - mutants.findIndex((m) => m.name === b.name));
  await mkdir(path.join(root, 'reports'), { recursive: true });
  const seconds = (Date.now() - started) / 1000;
  await writeFile(path.join(root, 'reports/isolation-mutants.json'), `${JSON.stringify({ seconds, results }, null, 2)}\n`);
  await writeFile(path.join(root, 'reports/isolation-mutants.md'), mutantsMarkdown(results, seconds));
  const survived = results.filter((r) => r.outcome === 'SURVIVED');
  const caught = results.filter((r) => r.outcome === 'caught by the audit' || r.outcome.startsWith('stopped'));
  console.log(`Mutants: ${caught.length} of ${results.length} caught, ${survived.length} survived, in ${seconds.toFixed(0)} s. Report: reports/isolation-mutants.md`);
  process.exit(survived.length ? 1 : 0);
}

await main();

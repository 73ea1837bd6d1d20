import type { Mutant } from './catalog.js';

export interface MutantResult {
  name: string;
  wall: string;
  leak: string;
  rls: Mutant['rls'];
  outcome: 'caught by the audit' | 'stopped by RLS (the audit saw no leak)' | 'pending: needs RLS, not in this build' | 'SURVIVED';
  /** The probes and checks that failed on the mutant. */
  failures: string[];
  seconds: number;
}

const rlsWords = { also: 'also stands in the way', only: 'the only wall', no: 'not involved' };

export function mutantsMarkdown(results: MutantResult[], seconds: number): string {
  const caught = results.filter((r) => r.outcome === 'caught by the audit' || r.outcome.startsWith('stopped')).length;
  return [
    '# Isolation audit mutants',
    '',
    `${caught} of ${results.length} planted leaks caught, in ${seconds.toFixed(0)} s.`,
    '',
    '| mutant | wall | leak | outcome | caught by | RLS |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| \`${r.name}\` | ${r.wall} | ${r.leak.replace(/\|/g, '\\|')} | ${r.outcome} | ${r.failures.slice(0, 4).join('; ').replace(/\|/g, '\\|') || '–'} | ${rlsWords[r.rls]} |`,
    ),
    '',
  ].join('\n');
}

// Public responses are checked against a reviewed allow-list of field paths
// (public-fields.json): a field that appears in a public response without being listed
// fails the audit until it is added on purpose, so a new public field is a reviewed change.
import type { CheckResult } from './check-result.js';

export const publicFieldsFile = 'src/isolation-audit/public-fields.json';

/** Field paths of a JSON value: `items[].author.handle`. */
export function fieldPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => fieldPaths(item, `${prefix}[]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [path, ...fieldPaths(inner, path)];
    });
  }
  return [];
}

export function checkPublicFields(seen: Map<string, Set<string>>, allowed: Record<string, string[]>): CheckResult[] {
  const results: CheckResult[] = [];
  for (const [route, fields] of seen) {
    const listed = new Set(allowed[route] ?? []);
    const extra = [...fields].filter((f) => !listed.has(f)).sort();
    if (extra.length) {
      results.push({
        check: 'public-fields',
        ok: false,
        detail: `${route} answers fields not in the reviewed allow-list: ${extra.join(', ')}; if each is meant to be public, add ${JSON.stringify(extra)} under "${route}" in ${publicFieldsFile}`,
      });
    }
  }
  if (!results.length) results.push({ check: 'public-fields', ok: true, detail: `${seen.size} public routes, every field in the allow-list` });
  return results;
}

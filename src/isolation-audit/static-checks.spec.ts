import { checkAllowList } from './static-checks.js';

const allowed = [
  { file: 'src/a.ts', reason: 'jobs: every tenant' },
  { file: 'src/a.ts', reason: 'jobs: every tenant' },
  { file: 'src/b.ts', reason: 'public reading' },
];
const found = (file: string, reason: string, line = 1) => ({ file, reason, line });

describe('the unscoped allow-list', () => {
  it('holds when the calls are exactly the list, duplicates counted', () => {
    const results = checkAllowList([found('src/a.ts', 'jobs: every tenant'), found('src/a.ts', 'jobs: every tenant', 9), found('src/b.ts', 'public reading')], allowed);
    expect(results).toEqual([expect.objectContaining({ ok: true })]);
  });

  it('fails on a new call, even one copying a listed reason in the same file', () => {
    const results = checkAllowList(
      [found('src/a.ts', 'jobs: every tenant'), found('src/a.ts', 'jobs: every tenant', 9), found('src/a.ts', 'jobs: every tenant', 20), found('src/b.ts', 'public reading')],
      allowed,
    );
    expect(results).toEqual([
      expect.objectContaining({ ok: false, detail: expect.stringContaining('src/a.ts:20 calls unscoped() and is not in the allow-list') }),
    ]);
  });

  it('fails on a listed call that no longer exists', () => {
    const results = checkAllowList([found('src/a.ts', 'jobs: every tenant'), found('src/a.ts', 'jobs: every tenant')], allowed);
    expect(results.map((r) => r.detail)).toEqual([expect.stringContaining('"public reading"} is in src/isolation-audit/unscoped-allowlist.json but no such call exists')]);
  });
});

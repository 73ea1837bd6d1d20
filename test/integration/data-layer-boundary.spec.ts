import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the data layer boundary', () => {
  it('is the only code that imports the Prisma client or its adapter', async () => {
    const src = path.resolve('src');
    const offenders: string[] = [];
    for (const file of await sourceFiles(src)) {
      const relative = path.relative(src, file);
      if (relative.startsWith('database/') || relative.startsWith('generated/')) continue;
      const text = await readFile(file, 'utf8');
      if (/from ['"][^'"]*(generated\/prisma|@prisma\/client|@prisma\/adapter-pg)/.test(text)) {
        offenders.push(relative);
      }
    }
    expect(offenders).toEqual([]);
  });
});

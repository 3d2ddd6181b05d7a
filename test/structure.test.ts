// The tree has no import cycle (type-only imports included): the same check as `npm run cycles`,
// shown first to find one in a fixture that has one, so that a silent checker cannot pass it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli';

const FOLDERS = ['bin', 'engine', 'runner', 'scenarios', 'simulator', 'scripts', 'bench', 'k6.config.ts'];

async function cycles(paths: string[], baseDir: string): Promise<string[][]> {
  const result = await madge(paths, { baseDir, fileExtensions: ['ts'], tsConfig: join(ROOT, 'tsconfig.json') });
  return result.circular();
}

describe('import structure', () => {
  it('the checker finds a cycle where there is one, type-only imports included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetload-cycle-'));
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b';\nexport interface A { b?: B }\n");
    writeFileSync(join(dir, 'b.ts'), "import type { A } from './a';\nexport interface B { a?: A }\n");
    expect(await cycles([dir], dir)).toEqual([['a.ts', 'b.ts']]);
  });

  it('the tree has none', async () => {
    expect(await cycles(FOLDERS.map((f) => join(ROOT, f)), ROOT)).toEqual([]);
  }, 120_000);
});

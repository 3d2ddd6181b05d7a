// The package root, found from the running file so that the built CLI works from any cwd.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'k6.config.ts'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the fleetload package root above ${from}`);
    dir = up;
  }
}

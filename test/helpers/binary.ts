// A system binary a test needs (prometheus, chromium): found on PATH, or skipped with the reason
// printed locally; under CI=true its absence fails, since .ci/run installs it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { inCi } from './ci';

export function requireBinary(name: string, installHint: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not in this directory.
    }
  }
  if (inCi()) throw new Error(`CI=true but ${name} is not installed: .ci/run must install it (${installHint})`);
  process.stdout.write(`skipping tests that need ${name}: not on PATH (${installHint})\n`);
  return undefined;
}

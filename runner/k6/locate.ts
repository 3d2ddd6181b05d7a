// Finds the real k6 binary: K6_BIN, then the project's own build cache, then PATH.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cachedK6Path, readPin } from './pin';

export interface K6Location {
  path: string;
  source: 'K6_BIN' | 'cache' | 'PATH';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function locateK6(root: string, env: NodeJS.ProcessEnv = process.env): K6Location | undefined {
  const fromEnv = env.K6_BIN;
  if (fromEnv !== undefined && fromEnv !== '') {
    // An explicit K6_BIN that does not exist is a configuration error, not a reason to fall back.
    if (!isExecutable(fromEnv)) throw new K6NotFoundError(`K6_BIN=${fromEnv} is not an executable file; unset it or point it at a k6 binary`);
    return { path: fromEnv, source: 'K6_BIN' };
  }
  try {
    const cached = cachedK6Path(root, readPin(root));
    if (isExecutable(cached)) return { path: cached, source: 'cache' };
  } catch {
    // No or unreadable pin file: the cache is simply not there.
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'k6');
    if (isExecutable(candidate)) return { path: candidate, source: 'PATH' };
  }
  return undefined;
}

export class K6NotFoundError extends Error {
  override name = 'K6NotFoundError';
}

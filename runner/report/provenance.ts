// Where a run ran and with what: the host, the fleetload version and commit, for the summary
// (a comparison between runs must show when these differ).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { RunHost } from './summary';

export function hostOf(): RunHost {
  return { cores: availableParallelism(), memoryBytes: totalmem(), platform: `${platform()} ${release()}`, node: process.version };
}

/** The checkout's commit; null outside a git checkout or without git. */
export function gitCommitOf(root: string): string | null {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', timeout: 5000 });
  const out = r.status === 0 ? r.stdout.trim() : '';
  return /^[0-9a-f]{40}$/.test(out) ? out : null;
}

export function fleetloadVersionOf(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

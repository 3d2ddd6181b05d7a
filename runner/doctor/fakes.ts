// Test fakes for the doctor checks: a package root in a temp dir (pins, caches, go.mod) and stub
// executables that print what the real tools print. The stubs stand in for k6, go and friends
// only where the check's parsing and decisions are under test; index.test.ts runs the real ones.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MODULE_DIR, MODULE_FILES } from '../../scripts/kube-paths';
import type { DoctorContext } from './check';

export interface FakeMachine {
  root: string;
  /** A directory to put on the fake PATH. */
  bin: string;
  ctx(over?: Partial<DoctorContext> & { env?: NodeJS.ProcessEnv }): DoctorContext;
  /** An executable at `path` (absolute, or relative to the root) that prints `output` and exits `code`. */
  stub(path: string, output: string, code?: number): string;
  write(path: string, text: string): string;
  cleanup(): void;
}

export const K6_PIN = { xk6: 'v0.20.1', k6: 'v1.8.1', extensions: [] as string[] };

export function fakeMachine(pin: { xk6: string; k6: string; extensions: string[] } = K6_PIN): FakeMachine {
  const base = mkdtempSync(join(tmpdir(), 'fleetload-doctor-'));
  const root = join(base, 'root');
  const bin = join(base, 'bin');
  mkdirSync(bin, { recursive: true });
  const write = (path: string, text: string): string => {
    const file = path.startsWith('/') ? path : join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  write('k6.pin.json', JSON.stringify(pin));
  write('kube.pin.json', JSON.stringify({ kubernetes: 'v1.36.3', etcd: 'v3.6.8' }));
  for (const f of MODULE_FILES) write(join(MODULE_DIR, f), f === 'go.mod' ? 'module fake\n\ngo 1.26.0\n' : `// ${f}\n`);
  const stub = (path: string, output: string, code = 0): string => {
    // printf %s keeps the output byte for byte; the heredoc-free form needs no shell quoting rules.
    const file = write(path, `#!/bin/sh\nprintf '%s\\n' '${output.replace(/'/g, `'\\''`)}'\nexit ${code}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  return {
    root,
    bin,
    write,
    stub,
    ctx: (over = {}) => ({
      root,
      clusters: undefined,
      fdLimit: () => ({ soft: 20_000, hard: 20_000 }),
      ...over,
      // Only the fake bin dir: a real k6 or go on this machine must not leak into a fake's result.
      env: { PATH: bin, ...over.env },
    }),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

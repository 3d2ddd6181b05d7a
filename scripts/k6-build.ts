// `npm run k6:build`: builds the pinned real k6 with xk6 from Go modules into .cache/k6/<key>/k6.
// Cached by pin: a second call with the same k6.pin.json returns at once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedK6Path, readPin, type K6Pin } from '../runner/k6/pin';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');

// github.com/szkiba/efa (an xk6 dependency) is served by the module proxy but has no checksum
// database entry there; skipping the sumdb for that one module keeps every other module verified.
const goEnv = {
  ...process.env,
  GOFLAGS: '-mod=mod',
  GONOSUMDB: [process.env.GONOSUMDB, 'github.com/szkiba'].filter(Boolean).join(','),
};

function run(cmd: string, args: string[], cwd: string): void {
  process.stdout.write(`$ ${cmd} ${args.join(' ')}\n`);
  const res = spawnSync(cmd, args, { cwd, env: goEnv, stdio: 'inherit' });
  if (res.error) throw new Error(`${cmd} could not start: ${res.error.message} (is Go installed and on PATH?)`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

function buildXk6(pin: K6Pin): string {
  const bin = join(root, '.cache', 'xk6', pin.xk6, 'xk6');
  if (existsSync(bin) && !force) return bin;
  // `go install xk6@version` asks the proxy for the module's version list, which it refuses for
  // go.k6.io/xk6; a throwaway module that requires the exact version avoids that call.
  const work = mkdtempSync(join(tmpdir(), 'fleetload-xk6-'));
  try {
    run('go', ['mod', 'init', 'fleetload-xk6'], work);
    run('go', ['get', `go.k6.io/xk6@${pin.xk6}`], work);
    mkdirSync(dirname(bin), { recursive: true });
    run('go', ['build', '-o', bin, 'go.k6.io/xk6/cmd/xk6'], work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return bin;
}

function main(): void {
  const pin = readPin(root);
  const target = cachedK6Path(root, pin);
  if (existsSync(target) && !force) {
    process.stdout.write(`k6 ${pin.k6} already built: ${target}\n`);
    return;
  }
  const xk6 = buildXk6(pin);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const args = ['build', pin.k6, '--output', partial];
  for (const ext of pin.extensions) args.push('--with', ext);
  run(xk6, args, dirname(target));
  renameSync(partial, target);
  writeFileSync(join(dirname(target), 'pin.json'), `${JSON.stringify(pin, null, 2)}\n`);
  const version = spawnSync(target, ['version'], { encoding: 'utf8' });
  process.stdout.write(`built ${version.stdout.trim()} at ${target}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`k6:build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

// `npm run kube:build`: builds the pinned kube-apiserver and the etcd it requires from Go modules
// (kube/apiserver/) into .cache/kube-apiserver/<version>-<hash>/. Cached by version and module
// content: a second call with the same kube.pin.json and module returns at once.
// Exit codes: 0 built or cached, 1 the build failed, 2 kube.pin.json and go.mod disagree,
// 3 the installed Go is older than go.mod needs, 127 no `go` on PATH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedKubeBinaries, MODULE_DIR, readKubePin, stagingVersion, type KubePin } from './kube-paths';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const moduleDir = join(root, MODULE_DIR);
const force = process.argv.includes('--force');

class BuildError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

// GOTOOLCHAIN=local: an older Go must fail here with a clear line, not fetch a toolchain behind
// our back. -trimpath and no cgo keep the binaries free of this machine's paths and libc.
const goEnv = {
  ...process.env,
  GOTOOLCHAIN: 'local',
  CGO_ENABLED: '0',
  GOFLAGS: [...new Set([...(process.env.GOFLAGS ?? '').split(/\s+/).filter(Boolean), '-trimpath', '-buildvcs=false'])].join(' '),
};

function goVersion(): string {
  const res = spawnSync('go', ['env', 'GOVERSION'], { cwd: moduleDir, env: goEnv, encoding: 'utf8' });
  if (res.error) throw new BuildError('go is not on PATH: install Go 1.26 or newer (https://go.dev/dl) and run npm run kube:build again', 127);
  if (res.status !== 0) throw new BuildError(`go env GOVERSION exited with ${res.status}: ${res.stderr.trim()}`, 1);
  return res.stdout.trim();
}

function versionTuple(v: string): number[] {
  return (v.match(/\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number);
}

function olderThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

/** The wrapper's go.mod must say what the pin says, or the cache key would name the wrong build. */
function checkGoMod(pin: KubePin): string {
  const gomod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
  const file = join(MODULE_DIR, 'go.mod');
  const problems: string[] = [];
  const kube = /^\s*k8s\.io\/kubernetes (\S+)/m.exec(gomod)?.[1];
  if (kube !== pin.kubernetes) problems.push(`requires k8s.io/kubernetes ${kube ?? '(nothing)'}, kube.pin.json says ${pin.kubernetes}`);
  const etcd = /^\s*go\.etcd\.io\/etcd\/server\/v3 (\S+)/m.exec(gomod)?.[1];
  if (etcd !== pin.etcd) problems.push(`requires go.etcd.io/etcd/server/v3 ${etcd ?? '(nothing)'}, kube.pin.json says ${pin.etcd}`);
  const staging = stagingVersion(pin.kubernetes);
  const replaces = [...gomod.matchAll(/^\s*(k8s\.io\/[\w.-]+) => (\S+) (\S+)/gm)];
  if (replaces.length === 0) problems.push('has no k8s.io staging replaces (copy the replace block of k8s.io/kubernetes\'s own go.mod)');
  const off = replaces.filter(([, from, to, version]) => to !== from || version !== staging);
  if (off.length > 0) {
    const [, from, to, version] = off[0]!;
    problems.push(`${off.length} of ${replaces.length} k8s.io staging replaces are not "<module> ${staging}" (first: ${from} => ${to} ${version})`);
  }
  if (problems.length > 0) throw new BuildError(`${file} ${problems.join('; ')}`, 2);
  return /^go (\S+)/m.exec(gomod)?.[1] ?? '0';
}

function build(pkg: string, out: string, ldflags: string): void {
  const args = ['-n', '19', 'go', 'build', '-ldflags', ldflags, '-o', out, pkg];
  process.stdout.write(`$ nice -n 19 go build -ldflags '${ldflags}' -o ${out} ${pkg}\n`);
  // nice: the build shares two cores with whatever test run is going on.
  const res = spawnSync('nice', args, { cwd: moduleDir, env: goEnv, stdio: 'inherit' });
  if (res.error) throw new BuildError(`nice could not start: ${res.error.message}`, 1);
  if (res.status !== 0) throw new BuildError(`go build ${pkg} exited with ${res.status}`, 1);
}

function mib(path: string): string {
  return `${(statSync(path).size / 2 ** 20).toFixed(1)} MiB`;
}

function main(): void {
  const pin = readKubePin(root);
  const needGo = checkGoMod(pin);
  const bins = cachedKubeBinaries(root, pin);
  if (existsSync(bins.apiserver) && existsSync(bins.etcd) && !force) {
    process.stdout.write(`kube-apiserver ${pin.kubernetes} and etcd ${pin.etcd} already built: ${bins.dir}\n`);
    return;
  }
  const go = goVersion();
  if (olderThan(versionTuple(go), versionTuple(needGo))) {
    throw new BuildError(`${go} is older than the go ${needGo} that ${MODULE_DIR}/go.mod needs: install a newer Go`, 3);
  }

  const started = Date.now();
  mkdirSync(bins.dir, { recursive: true });
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(pin.kubernetes) ?? [];
  // Built outside kubernetes's own scripts, the binary would say v0.0.0-master; /version and the
  // apiserver's compatibility version both read these, so they must be the pinned release.
  const v = 'k8s.io/component-base/version';
  const ldflags = `-s -w -X ${v}.gitVersion=${pin.kubernetes} -X ${v}.gitMajor=${major} -X ${v}.gitMinor=${minor} -X ${v}.gitTreeState=clean`;
  for (const [pkg, target] of [['.', bins.apiserver], ['./cmd/etcd', bins.etcd]] as const) {
    const partial = `${target}.partial`;
    try {
      build(pkg, partial, ldflags);
      renameSync(partial, target);
    } finally {
      rmSync(partial, { force: true });
    }
  }
  const seconds = Math.round((Date.now() - started) / 1000);

  const reported = spawnSync(bins.apiserver, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (reported !== `Kubernetes ${pin.kubernetes}`) {
    rmSync(bins.apiserver, { force: true });
    throw new BuildError(`the built kube-apiserver says "${reported}", expected "Kubernetes ${pin.kubernetes}"`, 1);
  }
  writeFileSync(join(bins.dir, 'pin.json'), `${JSON.stringify({ ...pin, go, buildSeconds: seconds }, null, 2)}\n`);
  process.stdout.write(
    `built kube-apiserver ${pin.kubernetes} (${mib(bins.apiserver)}) and etcd ${pin.etcd} (${mib(bins.etcd)}) with ${go} in ${seconds} s at ${bins.dir}\n`,
  );
}

try {
  main();
} catch (err) {
  process.stderr.write(`kube:build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof BuildError ? err.code : 1);
}

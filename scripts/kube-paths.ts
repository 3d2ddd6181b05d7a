// The pinned kube-apiserver build (kube.pin.json, kube/apiserver/) and where its binaries are
// cached. Shared by `npm run kube:build` and test/helpers/kube.ts so both agree on one path.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KubePin {
  /** k8s.io/kubernetes version, e.g. v1.36.3; staging modules are v0.<minor>.<patch>. */
  kubernetes: string;
  /** go.etcd.io/etcd/server/v3 version: the one k8s.io/kubernetes itself requires. */
  etcd: string;
}

const VERSION = /^v(\d+)\.(\d+)\.(\d+)$/;

/** The Go wrapper module's files; all of them feed the cache key, so any edit rebuilds. */
export const MODULE_DIR = join('kube', 'apiserver');
export const MODULE_FILES = ['go.mod', 'go.sum', 'main.go', join('cmd', 'etcd', 'main.go')];

export function parseKubePin(raw: unknown, source = 'kube.pin.json'): KubePin {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${source}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  for (const key of ['kubernetes', 'etcd'] as const) {
    const v = obj[key];
    if (typeof v !== 'string' || !VERSION.test(v)) {
      throw new Error(`${source}: "${key}" must be a release version like v1.2.3, got ${JSON.stringify(v)}`);
    }
  }
  return Object.freeze({ kubernetes: obj.kubernetes as string, etcd: obj.etcd as string });
}

export function readKubePin(root: string): KubePin {
  const file = join(root, 'kube.pin.json');
  return parseKubePin(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** `v1.36.3` → `v0.36.3`: k8s.io staging modules are tagged with the same minor and patch. */
export function stagingVersion(kubernetes: string): string {
  const m = VERSION.exec(kubernetes);
  if (!m) throw new Error(`not a kubernetes version: ${kubernetes}`);
  return `v0.${m[2]}.${m[3]}`;
}

/** `<version>-<hash>`: a changed pin or an edited wrapper module never reuses a stale binary. */
export function kubeCacheKey(root: string, pin: KubePin): string {
  const hash = createHash('sha256');
  for (const f of MODULE_FILES) {
    hash.update(`${f}\0`);
    hash.update(readFileSync(join(root, MODULE_DIR, f)));
  }
  return `${pin.kubernetes}-${hash.digest('hex').slice(0, 12)}`;
}

export interface KubeBinaries {
  dir: string;
  apiserver: string;
  etcd: string;
}

export function cachedKubeBinaries(root: string, pin: KubePin = readKubePin(root)): KubeBinaries {
  const dir = join(root, '.cache', 'kube-apiserver', kubeCacheKey(root, pin));
  return { dir, apiserver: join(dir, 'kube-apiserver'), etcd: join(dir, 'etcd') };
}

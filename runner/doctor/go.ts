// Go, which only the builds need (k6:build with xk6, kube:build), never a run. The minimums:
// kube:build sets GOTOOLCHAIN=local and refuses a Go older than kube/apiserver/go.mod's `go`
// line (exit 3); k6:build sets no GOTOOLCHAIN, so an older Go with the default (auto) fetches the
// toolchain the pinned k6's go.mod asks for, and only GOTOOLCHAIN=local makes it fail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODULE_DIR } from '../../scripts/kube-paths';
import { readPin } from '../k6/pin';
import { findOnPath, olderThan, runTool, versionTuple, type CheckResult, type DoctorCheck, type DoctorContext } from './check';

const NAME = 'go';

/** The `go` directive of a go.mod, or undefined when the file is not there. */
export function goDirective(file: string): string | undefined {
  try {
    return /^go (\S+)/m.exec(readFileSync(file, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** What kube:build needs: the wrapper module's go line, as scripts/kube-build.ts reads it. */
export function kubeBuildGo(root: string): string | undefined {
  return goDirective(join(root, MODULE_DIR, 'go.mod'));
}

/** What the pinned k6 asks for, when its module is in the module cache (after a build or a go get). */
function k6BuildGo(root: string, modCache: string): { k6: string; go: string | undefined } | undefined {
  try {
    const pin = readPin(root);
    return { k6: pin.k6, go: goDirective(join(modCache, 'go.k6.io', `k6@${pin.k6}`, 'go.mod')) };
  } catch {
    return undefined;
  }
}

export const goCheck: DoctorCheck = {
  name: NAME,
  run(ctx: DoctorContext): CheckResult {
    const kubeGo = kubeBuildGo(ctx.root);
    const install = `install Go ${kubeGo ?? '1.26'} or newer (https://go.dev/dl)`;
    const go = findOnPath('go', ctx.env);
    if (go === undefined) {
      return { status: 'warn', name: NAME, found: 'not on PATH: runs do not need it, npm run k6:build and npm run kube:build do (kube:build exits 127)', fix: install };
    }
    const res = runTool(go, ['env', 'GOVERSION', 'GOTOOLCHAIN', 'GOMODCACHE'], ctx.env);
    if (!res.ok) return { status: 'warn', name: NAME, found: `${go} ${res.problem ?? 'failed'}`, fix: install };
    const [version = '', toolchain = '', modCache = ''] = res.text.trim().split('\n').map((l) => l.trim());
    const have = versionTuple(version);
    const notes: string[] = [];
    let ok = true;

    if (kubeGo === undefined) notes.push(`kube:build: no ${MODULE_DIR}/go.mod to read its minimum from`);
    else if (olderThan(have, versionTuple(kubeGo))) {
      ok = false;
      notes.push(`kube:build needs go ${kubeGo} (${MODULE_DIR}/go.mod, GOTOOLCHAIN=local) and would exit 3`);
    } else notes.push(`meets kube:build's go ${kubeGo}`);

    const k6 = k6BuildGo(ctx.root, modCache);
    if (k6?.go === undefined) notes.push(`k6:build: k6 ${k6?.k6 ?? '(no readable k6.pin.json)'}'s go.mod is not in the module cache yet; Go fetches the toolchain it needs unless GOTOOLCHAIN=local`);
    else if (!olderThan(have, versionTuple(k6.go))) notes.push(`meets k6:build's go ${k6.go} (k6 ${k6.k6})`);
    else if (toolchain === 'local') {
      ok = false;
      notes.push(`k6:build needs go ${k6.go} (k6 ${k6.k6}) and GOTOOLCHAIN=local forbids fetching it`);
    } else notes.push(`k6:build will fetch go ${k6.go} for k6 ${k6.k6} (GOTOOLCHAIN=${toolchain || 'auto'})`);

    const found = `${version || 'unknown version'} at ${go}; ${notes.join('; ')}`;
    return ok ? { status: 'ok', name: NAME, found } : { status: 'warn', name: NAME, found, fix: install };
  },
};

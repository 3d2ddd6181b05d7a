// The kube-apiserver and etcd the Kubernetes tests start: KUBE_APISERVER_BIN / ETCD_BIN, else the
// build cache (scripts/kube-paths.ts, the path npm run kube:build writes and the tests read).
// Without them those tests skip locally and fail under CI=true: a warning, since no run needs them.
import { existsSync } from 'node:fs';
import { cachedKubeBinaries, readKubePin, type KubeBinaries, type KubePin } from '../../scripts/kube-paths';
import { firstLine, runTool, shown, type CheckResult, type DoctorCheck, type DoctorContext } from './check';

const NAME = 'kube-apiserver';
const BUILD = 'npm run kube:build (Go 1.26+, about 5 minutes), or set KUBE_APISERVER_BIN and ETCD_BIN';

export const kubeApiserverCheck: DoctorCheck = {
  name: NAME,
  run(ctx: DoctorContext): CheckResult {
    let pin: KubePin;
    let cached: KubeBinaries;
    try {
      pin = readKubePin(ctx.root);
      cached = cachedKubeBinaries(ctx.root, pin);
    } catch (err) {
      return { status: 'warn', name: NAME, found: `cannot tell where the build goes (${err instanceof Error ? err.message : String(err)})`, fix: 'restore kube.pin.json and kube/apiserver/ from git' };
    }
    const apiserver = ctx.env.KUBE_APISERVER_BIN || cached.apiserver;
    const etcd = ctx.env.ETCD_BIN || cached.etcd;
    const from = ctx.env.KUBE_APISERVER_BIN ? 'KUBE_APISERVER_BIN' : 'the build cache';
    const missing = [apiserver, etcd].filter((p) => !existsSync(p)).map((p) => shown(p, ctx.root));
    if (missing.length > 0) {
      return { status: 'warn', name: NAME, found: `no ${missing.join(' or ')} (kube.pin.json: ${pin.kubernetes}, etcd ${pin.etcd}): the Kubernetes tests skip here and fail under CI=true`, fix: BUILD };
    }
    const res = runTool(apiserver, ['--version'], ctx.env);
    const says = firstLine(res.text);
    if (!res.ok) return { status: 'warn', name: NAME, found: `${shown(apiserver, ctx.root)} ${res.problem ?? 'failed'}`, fix: `${BUILD} (--force rebuilds)` };
    const found = `${says} at ${shown(apiserver, ctx.root)} (from ${from}), etcd at ${shown(etcd, ctx.root)}`;
    if (says !== `Kubernetes ${pin.kubernetes}`) return { status: 'warn', name: NAME, found: `${found}; kube.pin.json pins ${pin.kubernetes}`, fix: BUILD };
    return { status: 'ok', name: NAME, found };
  },
};

// The operator side: rollouts followed to completion, and arrival-rate load on the read and
// write APIs in each scope.
import type { ClusterRef, ControlPlane } from './control-plane';
import { bundleName, clusterName, namespaceOf } from './identity';
import { rolloutDuration, rolloutsIncomplete } from './metrics';
import type { ScenarioPlan } from './plan';
import { wait } from './timers';

function namespaces(plan: ScenarioPlan): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.min(plan.agent.namespaces, plan.clusters); i++) out.push(namespaceOf(i, plan.agent.namespaces));
  return out;
}

/** Creates `rollout.count` bundles, one after another, and follows each until done or timed out. */
export async function runRollouts(cp: ControlPlane, plan: ScenarioPlan, deadlineMs: number, runId: string): Promise<void> {
  const { rollout } = plan;
  const spaces = namespaces(plan);
  for (let k = 0; k < rollout.count && Date.now() < deadlineMs; k++) {
    const name = bundleName(runId, k);
    const started = Date.now();
    for (const ns of spaces) await cp.createBundle(ns, name, rollout.selector, rollout.payloadBytes);
    const until = Math.min(deadlineMs, started + rollout.timeoutS * 1000);
    let done = false;
    while (!done && Date.now() < until) {
      await wait(Math.min(1000, Math.max(0, until - Date.now())));
      let desired = 0;
      let settled = 0;
      for (const ns of spaces) {
        const r = await cp.bundleProgress(ns, name);
        if (!r.body) continue;
        desired += r.body.desired;
        settled += r.body.ready + r.body.failed;
      }
      done = settled >= desired;
    }
    if (done) rolloutDuration.add(Date.now() - started, { selector: rollout.selector === '' ? 'all' : rollout.selector });
    else rolloutsIncomplete.add(1);
    if (k + 1 < rollout.count) await wait(Math.max(0, Math.min(rollout.intervalS * 1000 - (Date.now() - started), deadlineMs - Date.now())));
  }
}

function randomCluster(plan: ScenarioPlan): ClusterRef {
  const index = Math.floor(Math.random() * plan.clusters);
  return { namespace: namespaceOf(index, plan.agent.namespaces), name: clusterName(index) };
}

export async function getOne(cp: ControlPlane, plan: ScenarioPlan): Promise<void> {
  await cp.getCluster(randomCluster(plan));
}

/** Lists every page, each page one API call (as a paginated kubectl get does). */
export async function listAll(cp: ControlPlane, plan: ScenarioPlan, scope: 'namespace' | 'cluster'): Promise<void> {
  const ns = scope === 'namespace' ? randomCluster(plan).namespace : undefined;
  let cont: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const r = await cp.listClusters(ns, '', plan.apiLoad.pageSize, cont);
    cont = r.body?.next;
    if (cont === undefined) return;
  }
}

export async function patchOne(cp: ControlPlane, plan: ScenarioPlan): Promise<void> {
  // A label that no rollout selects, so API load never changes what rollouts target.
  await cp.patchLabels(randomCluster(plan), { 'fleetload.dev/touched': String(Date.now()) });
}

/** The arrival-rate scenarios' exec functions, one per verb and scope (k6 needs them exported). */
export function apiLoadExecs(cp: ControlPlane, plan: ScenarioPlan): Record<'apiGet' | 'apiListNamespace' | 'apiListCluster' | 'apiPatch', () => Promise<void>> {
  return {
    apiGet: () => getOne(cp, plan),
    apiListNamespace: () => listAll(cp, plan, 'namespace'),
    apiListCluster: () => listAll(cp, plan, 'cluster'),
    apiPatch: () => patchOne(cp, plan),
  };
}

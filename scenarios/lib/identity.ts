// Agent identities derived only from the slice a VU runs and the position within it, so that runs
// are reproducible and the instances of a distributed run (execution segments) never collide.
// The slice is exec.scenario.iterationInTest of the agents scenario (one iteration per VU: 0 to
// vus-1, unique across instances), not exec.vu.idInTest: k6 numbers VUs across all scenarios, so
// with the API-load scenarios beside it the agents scenario's VU ids have gaps.
import type { AgentPlan } from './plan';

export interface AgentIdentity {
  /** 0-based index in the whole fleet. */
  index: number;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  nodes: string[];
}

export function clusterName(index: number): string {
  return `edge-${String(index).padStart(7, '0')}`;
}

export function namespaceOf(index: number, namespaces: number): string {
  return `tenant-${String(index % namespaces).padStart(3, '0')}`;
}

/** Fleet indexes of the agents in slice `slice` (0-based). */
export function agentIndexes(slice: number, agentsPerVu: number, clusters: number): number[] {
  const first = slice * agentsPerVu;
  const out: number[] = [];
  for (let i = first; i < Math.min(first + agentsPerVu, clusters); i++) out.push(i);
  return out;
}

export function identityOf(index: number, agent: AgentPlan): AgentIdentity {
  const name = clusterName(index);
  const labels: Record<string, string> = {};
  // Strides differ per key, so that label combinations spread instead of moving in lock-step.
  let stride = 1;
  for (const key of Object.keys(agent.labels).sort()) {
    const values = agent.labels[key] ?? [];
    if (values.length > 0) labels[key] = values[Math.floor(index / stride) % values.length] ?? '';
    stride *= Math.max(1, values.length);
  }
  const nodes: string[] = [];
  for (let n = 0; n < agent.nodesPerCluster; n++) nodes.push(`${name}-node-${n}`);
  return { index, name, namespace: namespaceOf(index, agent.namespaces), labels, nodes };
}

/** A bundle name (DNS-1123 subdomain) that says which run and which rollout made it. */
export function bundleName(runId: string, k: number): string {
  const tag = runId.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 200);
  return `rollout-${k}-${tag || 'run'}`;
}

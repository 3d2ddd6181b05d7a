// Agent identities derived only from exec.vu.idInTest and the slot within the VU, so that runs
// are reproducible and the instances of a distributed run (execution segments) never collide.
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

/** Fleet indexes of the agents VU `vuIdInTest` (1-based, as in k6) runs. */
export function agentIndexes(vuIdInTest: number, agentsPerVu: number, clusters: number): number[] {
  const first = (vuIdInTest - 1) * agentsPerVu;
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

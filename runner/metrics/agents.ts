import { Gauge, type Registry } from 'prom-client';

export type AgentStateLabel = 'state';

/** Agents by lifecycle state, from the agents' own counters (no per-cluster labels). */
export function agentsByState(registry: Registry, collect: (this: Gauge<AgentStateLabel>) => void): Gauge<AgentStateLabel> {
  return new Gauge<AgentStateLabel>({
    collect,
    name: 'fleetload_agents',
    help: 'Virtual agents by state: requested (the fleet size), registered, reregistered (after losing credentials), failed (gave up registering).',
    labelNames: ['state'],
    registers: [registry],
  });
}

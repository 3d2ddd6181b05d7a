import { describe, expect, it } from 'vitest';
import { SMOKE_PLAN } from './smoke-plan';
import { agentIndexes, identityOf } from './identity';

/**
 * The slices (exec.scenario.iterationInTest of the one-iteration-per-VU agents scenario) one
 * instance of n runs: k6 interleaves them by execution segment as it does VU ids (k6-compat.md).
 */
function slicesOfSegment(instance: number, instances: number, vus: number): number[] {
  const ids: number[] = [];
  for (let id = instance; id < vus; id += instances) ids.push(id);
  return ids;
}

describe('agent identities', () => {
  it('never collide across VUs and execution segments, and cover the fleet exactly', () => {
    const clusters = 10_007;
    const agentsPerVu = 50;
    const vus = Math.ceil(clusters / agentsPerVu);
    for (const instances of [1, 2, 3, 7]) {
      const names = new Set<string>();
      let total = 0;
      for (let i = 0; i < instances; i++) {
        for (const slice of slicesOfSegment(i, instances, vus)) {
          for (const index of agentIndexes(slice, agentsPerVu, clusters)) {
            names.add(`${identityOf(index, SMOKE_PLAN.agent).namespace}/${identityOf(index, SMOKE_PLAN.agent).name}`);
            total++;
          }
        }
      }
      expect(total).toBe(clusters);
      expect(names.size).toBe(clusters);
    }
  });

  it('are reproducible and spread labels over every combination', () => {
    expect(identityOf(42, SMOKE_PLAN.agent)).toEqual(identityOf(42, SMOKE_PLAN.agent));
    const agent = { ...SMOKE_PLAN.agent, labels: { region: ['eu-west', 'us-east', 'ap-south'], tier: ['edge', 'store'] } };
    const combos = new Set<string>();
    for (let i = 0; i < 6; i++) combos.add(JSON.stringify(identityOf(i, agent).labels));
    // 3 regions × 2 tiers: the first six agents take all six combinations.
    expect(combos.size).toBe(6);
    expect(identityOf(3, SMOKE_PLAN.agent).nodes).toEqual(['edge-0000003-node-0', 'edge-0000003-node-1', 'edge-0000003-node-2']);
  });
});

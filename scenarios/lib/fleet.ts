// The fleet run as a function of the protocol registry: each VU runs a slice of virtual agents on
// one scheduler; the same bundle also holds the operator's rollouts and the API load, so one k6
// run measures every SLI together. scenarios/agents.ts calls it with the registry; a test can
// call it with a registry that has one more protocol.
import exec from 'k6/execution';
import { Agent } from './agent';
import { connect } from './connect';
import { readOptions, readPlan } from './env';
import { agentIndexes, identityOf } from './identity';
import { apiLoadExecs, runRollouts } from './operator';
import type { ProtocolRegistry } from './protocol';
import { Scheduler } from './scheduler';
import { defaultThresholds } from './sli';
import { SMOKE_PLAN } from './smoke-plan';

export function fleetScenario(registry: ProtocolRegistry) {
  const plan = readPlan();
  const cp = connect(plan, registry);

  const options = readOptions({
    scenarios: {
      agents: { executor: 'per-vu-iterations', exec: 'agents', vus: SMOKE_PLAN.vus, iterations: 1, maxDuration: `${SMOKE_PLAN.durationS + 15}s` },
      rollout: { executor: 'per-vu-iterations', exec: 'rollout', vus: 1, iterations: 1, startTime: `${SMOKE_PLAN.rollout.startAfterS}s` },
    },
    thresholds: defaultThresholds(['registration', 'distribution']),
  });

  async function agents(): Promise<void> {
    const start = exec.scenario.startTime;
    const rate = plan.agent.registrationRatePerS;
    // One scheduler (one timer) for all agents of this VU; they start at the registration rate.
    const scheduler = new Scheduler(start + plan.durationS * 1000, (err) => console.error(`agent action failed: ${String(err)}`));
    for (const index of agentIndexes(exec.scenario.iterationInTest, plan.agentsPerVu, plan.clusters)) {
      new Agent(cp, identityOf(index, plan.agent), plan.agent, scheduler).start(start + (index / rate) * 1000);
    }
    await scheduler.drained();
  }

  async function rollout(): Promise<void> {
    // The run's start, not this scenario's: rollouts stop with the agents.
    const deadline = exec.scenario.startTime - plan.rollout.startAfterS * 1000 + plan.durationS * 1000;
    await runRollouts(cp, plan, deadline, __ENV.FLEETLOAD_RUN_ID || String(exec.scenario.startTime));
  }

  return { options, agents, rollout, ...apiLoadExecs(cp, plan) };
}

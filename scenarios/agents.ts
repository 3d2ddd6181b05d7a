// The fleet run: each VU runs a slice of virtual agents on one scheduler; the same bundle also holds
// the operator's rollouts and the API load, so one k6 run measures every SLI together.
// Options come from the runner (__ENV.FLEETLOAD_OPTIONS); run by hand it is a small smoke test:
//   k6 run -e TARGET=http://127.0.0.1:8080 dist/k6/agents.js
import exec from 'k6/execution';
import { Agent } from './lib/agent';
import { Scheduler } from './lib/scheduler';
import { readOptions, readPlan } from './lib/env';
import { fleetloadSim } from './lib/fleetload-sim';
import { agentIndexes, identityOf } from './lib/identity';
import { apiLoadExecs, runRollouts } from './lib/operator';
import { SMOKE_PLAN } from './lib/plan';
import { SLI_METRIC } from './lib/sli';

const plan = readPlan();
const cp = fleetloadSim(plan.target, plan.registrationToken, plan.operatorToken);

export const options = readOptions({
  scenarios: {
    agents: { executor: 'per-vu-iterations', exec: 'agents', vus: SMOKE_PLAN.vus, iterations: 1, maxDuration: `${SMOKE_PLAN.durationS + 15}s` },
    rollout: { executor: 'per-vu-iterations', exec: 'rollout', vus: 1, iterations: 1, startTime: `${SMOKE_PLAN.rollout.startAfterS}s` },
  },
  thresholds: { [SLI_METRIC.registration]: ['p(99)<=10000'], [SLI_METRIC.distribution]: ['p(99)<=2000'] },
});

export async function agents(): Promise<void> {
  const start = exec.scenario.startTime;
  const rate = plan.agent.registrationRatePerS;
  // One scheduler (one timer) for all agents of this VU; they start at the registration rate.
  const scheduler = new Scheduler(start + plan.durationS * 1000, (err) => console.error(`agent action failed: ${String(err)}`));
  for (const index of agentIndexes(exec.scenario.iterationInTest, plan.agentsPerVu, plan.clusters)) {
    new Agent(cp, identityOf(index, plan.agent), plan.agent, scheduler).start(start + (index / rate) * 1000);
  }
  await scheduler.drained();
}

export async function rollout(): Promise<void> {
  // The run's start, not this scenario's: rollouts stop with the agents.
  const deadline = exec.scenario.startTime - plan.rollout.startAfterS * 1000 + plan.durationS * 1000;
  await runRollouts(cp, plan, deadline, __ENV.FLEETLOAD_RUN_ID || String(exec.scenario.startTime));
}

export const { apiGet, apiListNamespace, apiListCluster, apiPatch } = apiLoadExecs(cp, plan);

export default agents;

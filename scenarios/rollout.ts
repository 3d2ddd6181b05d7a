// The operator side alone, against a fleet that is already there (your own agents, or a
// running agents.ts): creates bundles and follows each to completion.
//   k6 run -e TARGET=http://127.0.0.1:8080 dist/k6/rollout.js
import exec from 'k6/execution';
import { readOptions, readPlan } from './lib/env';
import { fleetloadSim } from './lib/fleetload-sim';
import { runRollouts } from './lib/operator';
import { SLI_METRIC } from './lib/sli';

const plan = readPlan();
const cp = fleetloadSim(plan.target, plan.registrationToken, plan.operatorToken);

export const options = readOptions({
  scenarios: { rollout: { executor: 'per-vu-iterations', exec: 'rollout', vus: 1, iterations: 1, maxDuration: `${plan.durationS + 15}s` } },
  thresholds: { [SLI_METRIC['api-mutating']]: ['p(99)<=1000'] },
});

export async function rollout(): Promise<void> {
  await runRollouts(cp, plan, exec.scenario.startTime + plan.durationS * 1000, __ENV.FLEETLOAD_RUN_ID || String(exec.scenario.startTime));
}

export default rollout;

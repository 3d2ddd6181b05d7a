// The operator side alone, against a fleet that is already there (your own agents, or a
// running agents.ts): creates bundles and follows each to completion.
//   k6 run -e TARGET=http://127.0.0.1:8080 dist/k6/rollout.js
import exec from 'k6/execution';
import { connect } from './lib/connect';
import { readOptions, readPlan } from './lib/env';
import { runRollouts } from './lib/operator';
import { defaultThresholds } from './lib/sli';
import { PROTOCOLS } from './protocols/index';

const plan = readPlan();
const cp = connect(plan, PROTOCOLS);

export const options = readOptions({
  scenarios: { rollout: { executor: 'per-vu-iterations', exec: 'rollout', vus: 1, iterations: 1, maxDuration: `${plan.durationS + 15}s` } },
  thresholds: defaultThresholds(['api-mutating']),
});

export async function rollout(): Promise<void> {
  await runRollouts(cp, plan, exec.scenario.startTime + plan.durationS * 1000, __ENV.FLEETLOAD_RUN_ID || String(exec.scenario.startTime));
}

export default rollout;

// The fleet run: agents, the operator's rollouts and the API load against one control plane, in
// the protocol the plan names (scenarios/protocols). Options come from the runner
// (__ENV.FLEETLOAD_OPTIONS); run by hand it is a small smoke test:
//   k6 run -e TARGET=http://127.0.0.1:8080 dist/k6/agents.js
import { fleetScenario } from './lib/fleet';
import { PROTOCOLS } from './protocols/index';

export const { options, agents, rollout, apiGet, apiListNamespace, apiListCluster, apiPatch } = fleetScenario(PROTOCOLS);

export default agents;

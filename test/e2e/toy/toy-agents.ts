// The fleet scenario with one more protocol registered: what a user's scenarios/agents.ts looks
// like after adding the registry line for their own module.
import { fleetScenario } from '../../../scenarios/lib/fleet';
import { PROTOCOLS } from '../../../scenarios/protocols/index';
import { toyProtocol } from './toy-protocol';

export const { options, agents, rollout, apiGet, apiListNamespace, apiListCluster, apiPatch } = fleetScenario(PROTOCOLS.with(toyProtocol));

export default agents;

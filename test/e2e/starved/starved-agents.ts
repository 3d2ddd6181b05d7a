// The fleet scenario with a load generator starved on purpose: after every 10th answer the VU
// holds the engine's thread for 1.5 s, so the calls in flight meanwhile are read seconds after
// the target answered them in milliseconds. What a saturated machine does to a run, made certain.
import { fleetScenario } from '../../../scenarios/lib/fleet';
import { ProtocolRegistry, type Transport } from '../../../scenarios/lib/protocol';
import { fleetloadSim } from '../../../scenarios/protocols/fleetload-sim';

function starving(t: Transport): Transport {
  let calls = 0;
  return {
    async call(url, token, tags, body, timeoutMs) {
      const answer = await t.call(url, token, tags, body, timeoutMs);
      if (++calls % 10 === 0) {
        const until = Date.now() + 1500;
        while (Date.now() < until) {
          // Busy on purpose: this is the starvation.
        }
      }
      return answer;
    },
  } as Transport;
}

const starved = new ProtocolRegistry([{ ...fleetloadSim, controlPlane: (t, target) => fleetloadSim.controlPlane(starving(t), target) }]);

export const { options, agents, rollout, apiGet, apiListNamespace, apiListCluster, apiPatch } = fleetScenario(starved);

export default agents;

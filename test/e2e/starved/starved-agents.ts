// The fleet scenario with a load generator starved on purpose: on every 10th call the engine's
// thread is held for 1.5 s while that call (and whatever else is in flight: the test's simulator
// answers in 200 ms) waits on the wire,
// so the agents read seconds after the target answered in milliseconds. What a saturated machine
// does to a run, made certain. Only for the first 8 s of load: starved for the whole run, the VUs
// would work off the backlog long after the run's duration.
import { fleetScenario } from '../../../scenarios/lib/fleet';
import { ProtocolRegistry, type Transport } from '../../../scenarios/lib/protocol';
import { setTimeout } from '../../../scenarios/lib/timers';
import { fleetloadSim } from '../../../scenarios/protocols/fleetload-sim';

// Counted over all the agents of the engine's thread, not per agent: one agent makes a handful of
// calls in 8 s.
let calls = 0;
let starveUntil = 0;

function hold(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy on purpose: this is the starvation.
  }
}

function starving(t: Transport): Transport {
  return {
    call(url, token, tags, body, timeoutMs) {
      const answer = t.call(url, token, tags, body, timeoutMs);
      if (starveUntil === 0) starveUntil = Date.now() + 8000;
      // After the request went out, so that it is timed as in flight while the thread is held.
      if (++calls % 10 === 0 && Date.now() < starveUntil) setTimeout(() => hold(1500), 5);
      return answer;
    },
  } as Transport;
}

const starved = new ProtocolRegistry([{ ...fleetloadSim, controlPlane: (t, target) => fleetloadSim.controlPlane(starving(t), target) }]);

export const { options, agents, rollout, apiGet, apiListNamespace, apiListCluster, apiPatch } = fleetScenario(starved);

export default agents;

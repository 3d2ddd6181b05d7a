// The protocol registry: one line per protocol module. The scenarios and the runner look
// protocols up here by name (--protocol); nothing outside a protocol's module knows its wire format.
import { ProtocolRegistry } from '../lib/protocol';
import { fleetloadSim } from './fleetload-sim';
import { kubelet } from './kubelet/index';

export const PROTOCOLS = new ProtocolRegistry([
  fleetloadSim,
  kubelet,
]);

/** The built-in simulator's protocol: what a run without --protocol speaks. */
export const DEFAULT_PROTOCOL = fleetloadSim.name;

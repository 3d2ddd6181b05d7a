// Before any load: does the target answer, is it the kind of control plane the protocol talks to,
// and does it take the run's credentials? Each answer that stops the run is one line.
import type { Protocol, TargetSpec } from '../../scenarios/lib/protocol';
import { TargetError, UsageError } from '../errors';
import { nodeTransport } from './node-transport';

/** Returns what the target is, e.g. "fleetload-simulator fleetload.sim/v1"; throws otherwise. */
export async function probeTarget(protocol: Protocol, target: TargetSpec, registered: readonly string[]): Promise<string> {
  const r = await protocol.probe(nodeTransport, target);
  switch (r.kind) {
    case 'ok':
      return r.description;
    case 'unreachable':
      throw new TargetError(`target ${target.url} is not reachable (${r.detail}); start it, or leave out --target to use the built-in simulator`);
    case 'wrong-target': {
      const others = registered.filter((n) => n !== protocol.name);
      const hint = others.length > 0 ? `pass --protocol with one of ${others.join(', ')}` : 'pass --protocol NAME with a protocol registered in scenarios/protocols (see README: "Your own control plane")';
      throw new TargetError(`target ${target.url} does not speak protocol ${protocol.name} (${protocol.description}): ${r.detail}; ${hint}`);
    }
    case 'rejected-credentials':
      throw new UsageError(`--${r.credential}`, `target ${target.url} rejected it (HTTP ${r.status})`, `pass the ${r.credential.replace('-', ' ')} the target expects`);
  }
}

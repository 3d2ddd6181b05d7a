// The control plane of a run: the plan's protocol, looked up by name, over k6's transport.
import { k6Transport } from './http';
import type { ControlPlane } from './control-plane';
import type { ScenarioPlan } from './plan';
import type { ProtocolRegistry } from './protocol';

export function connect(plan: ScenarioPlan, registry: ProtocolRegistry): ControlPlane {
  const protocol = registry.get(plan.protocol);
  if (!protocol) throw new Error(`unknown protocol ${JSON.stringify(plan.protocol)}; registered: ${registry.names().join(', ')}`);
  return protocol.controlPlane(k6Transport, { url: plan.target, registrationToken: plan.registrationToken, operatorToken: plan.operatorToken });
}

// A protocol whose target is a Kubernetes API server, named by a kubeconfig: enough for preflight
// (the runner's generic Kubernetes probe, then this protocol's own rights check through the
// exported probeKube), no load. What a kubelet-like protocol's probe looks like.
import type { ControlPlane } from '../../../scenarios/lib/control-plane';
import type { ProbeResult, Protocol, TargetSpec, Transport } from '../../../scenarios/lib/protocol';
import { kubeProbeResult, probeKube } from '../../../scenarios/lib/kube/probe';

async function probe(t: Transport, target: TargetSpec): Promise<ProbeResult> {
  const r = kubeProbeResult(await probeKube(t, target, { requires: [{ verb: 'create', resource: 'nodes' }] }));
  return r.kind === 'ok' ? { kind: 'ok', description: 'toy kube protocol' } : r;
}

function controlPlane(): ControlPlane {
  throw new Error('the toy kube protocol only goes through preflight');
}

export const toyKubeProtocol: Protocol = {
  name: 'toy-kube',
  description: 'a toy protocol for Kubernetes API servers',
  targetKind: 'kube',
  defaultCredentials: { registrationToken: 'toy-bootstrap', operatorToken: '' },
  probe,
  controlPlane,
};

// The kubelet protocol: every virtual agent is a kubelet against a real Kubernetes API server
// (../shared/reference/protocols.md, "Kubelet and kwok"): it registers its Node and Lease, renews
// the Lease and reads its Node every 10 s, reports node status every 5 minutes, watches its pods
// over WebSocket and patches each to Running. The operator plays a DaemonSet controller (one pod
// per matching node, bound by spec.nodeName) and loads the API with node and pod reads and node
// label patches. Agent side: agent-side.ts and pod-feed.ts; operator side: operator-side.ts.
//
// Credentials, an honest simplification: all agents share the run's registration token
// (--registration-token; a group with kubelet-like RBAC), where real kubelets each have their own
// identity (system:node:<name>, group system:nodes) checked by the Node authorizer and
// NodeRestriction; the operator is the kubeconfig's identity.
import type { ControlPlane } from '../../lib/control-plane';
import { KubeClient, longPollSource, socketSource, type KubeTransport } from '../../lib/kube/index';
import { kubeProbeResult, probeKube, type KubeAccess } from '../../lib/kube/probe';
import type { CallReference, ProbeResult, Protocol, TargetSpec, Transport } from '../../lib/protocol';
import { kubeletAgents } from './agent-side';
import { kubeletOperator, operatorTransport } from './operator-side';
import { LEASE_NAMESPACE } from './wire';

/** What an agent's token must allow: the calls of agent-side.ts. */
export const AGENT_RIGHTS: readonly KubeAccess[] = [
  { verb: 'create', resource: 'nodes' },
  { verb: 'get', resource: 'nodes' },
  { verb: 'patch', resource: 'nodes', subresource: 'status' },
  { verb: 'get', resource: 'leases', group: 'coordination.k8s.io', namespace: LEASE_NAMESPACE },
  { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: LEASE_NAMESPACE },
  { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: LEASE_NAMESPACE },
  { verb: 'list', resource: 'pods' },
  { verb: 'watch', resource: 'pods' },
  { verb: 'patch', resource: 'pods', subresource: 'status' },
  { verb: 'create', resource: 'events' },
];

/** What the operator's identity must allow: the calls of operator-side.ts. */
export const OPERATOR_RIGHTS: readonly KubeAccess[] = [
  { verb: 'create', resource: 'namespaces' },
  { verb: 'create', resource: 'serviceaccounts' },
  { verb: 'create', resource: 'pods' },
  { verb: 'list', resource: 'pods' },
  { verb: 'get', resource: 'nodes' },
  { verb: 'list', resource: 'nodes' },
  { verb: 'patch', resource: 'nodes' },
];

/** A real kubelet's idle calls per minute (../shared/reference/protocols.md), by the API server's verb and resource. */
export const KUBELET_CALLS: CallReference = {
  path: '/metrics',
  family: 'apiserver_request_total',
  source: 'kubelet defaults: lease renewed every 10 s, node GET every 10 s, node status every 5 min (../shared/reference/protocols.md)',
  calls: [
    { what: 'lease renewal', verb: 'PUT', resource: 'leases', perAgentPerMin: 6 },
    { what: 'node GET (status loop)', verb: 'GET', resource: 'nodes', perAgentPerMin: 6 },
    { what: 'node status PATCH', verb: 'PATCH', resource: 'nodes/status', perAgentPerMin: 0.2 },
  ],
};

async function probe(t: Transport, target: TargetSpec): Promise<ProbeResult> {
  const operator = kubeProbeResult(await probeKube(t, target, { requires: OPERATOR_RIGHTS }));
  if (operator.kind !== 'ok') return operator;
  const agents = kubeProbeResult(await probeKube(t, { ...target, operatorToken: target.registrationToken }, { requires: AGENT_RIGHTS }));
  if (agents.kind === 'rejected-credentials') return { ...agents, credential: 'registration-token' };
  if (agents.kind !== 'ok') return agents;
  return { kind: 'ok', description: 'kubelets (nodes, leases, pods)' };
}

function controlPlane(t: Transport, target: TargetSpec): ControlPlane {
  const request = t.request;
  if (request === undefined) throw new Error('the kubelet protocol needs a transport with raw requests (Transport.request)');
  const raw: KubeTransport = { request };
  const baseUrl = target.url.replace(/\/$/, '');
  const agentClient = new KubeClient(raw, { baseUrl, token: target.registrationToken, userAgent: 'kubelet/v1.36.3 (linux/amd64) fleetload' });
  const operatorClient = new KubeClient(operatorTransport(raw), { baseUrl, token: target.operatorToken, userAgent: 'fleetload-operator' });
  // WebSocket delivers each event as it happens; without sockets a watch long-polls (events late).
  const source = t.watchSockets === undefined ? longPollSource(raw) : socketSource(t.watchSockets);
  const { state: _state, ...agents } = kubeletAgents(agentClient, source, target.registrationToken);
  return { ...agents, ...kubeletOperator(operatorClient) };
}

export const kubelet: Protocol = {
  name: 'kubelet',
  description: 'kubelets against a Kubernetes API server (nodes, leases, pod watches)',
  targetKind: 'kube',
  serverMetrics: { path: '/metrics', family: 'apiserver_request_duration_seconds', verbLabel: 'verb', scopeLabel: 'scope' },
  callReference: KUBELET_CALLS,
  probe,
  controlPlane,
};

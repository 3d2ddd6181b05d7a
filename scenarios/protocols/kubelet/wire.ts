// What the kubelet protocol puts on the wire, shared by its agent and operator sides: names,
// labels and annotations it owns, object builders, and KubeResult → CallResult.
import type { CallResult } from '../../lib/http-types';
import type { AgentIdentity } from '../../lib/identity';
import type { KubeResult } from '../../lib/kube/index';
import type { Lease, Node } from '../../lib/kube/types';

export const LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's --node-lease-duration-seconds default; it renews at a quarter of it (10 s). */
export const LEASE_DURATION_S = 40;
/** The operator's creation time in milliseconds: creationTimestamp has only whole seconds. */
export const CREATED_AT_ANNOTATION = 'fleetload.dev/created-at-ms';
export const PAYLOAD_ANNOTATION = 'fleetload.dev/payload';
export const ROLLOUT_LABEL = 'fleetload.dev/rollout';
/** On each Node: the run namespace its rollout pods go to (the agent identity's namespace). */
export const NAMESPACE_LABEL = 'fleetload.dev/namespace';
export const POD_IMAGE = 'registry.k8s.io/pause:3.10';

/** MicroTime wants exactly six fractional digits; toISOString gives three. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** metav1.Time: whole seconds, as the kubelet writes heartbeat times. */
export function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function toCall<T, U = T>(r: KubeResult<T>, map?: (v: T) => U): CallResult<U> {
  if (r.ok) return { status: r.status, body: map === undefined ? (r.value as unknown as U) : map(r.value), retryAfterMs: undefined, error: '' };
  const ra = r.error.retryAfterSeconds;
  return { status: r.status, body: undefined, retryAfterMs: ra === undefined ? undefined : ra * 1000, error: r.error.message };
}

export const CONDITION_TYPES = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'] as const;

/** Node conditions as a healthy kubelet reports them; heartbeat times are what changes. */
export function conditions(nowMs: number, since: string): NonNullable<Node['status']>['conditions'] {
  const reason: Record<(typeof CONDITION_TYPES)[number], [string, 'True' | 'False']> = {
    MemoryPressure: ['KubeletHasSufficientMemory', 'False'],
    DiskPressure: ['KubeletHasNoDiskPressure', 'False'],
    PIDPressure: ['KubeletHasSufficientPID', 'False'],
    Ready: ['KubeletReady', 'True'],
  };
  return CONDITION_TYPES.map((type) => ({ type, status: reason[type][1], reason: reason[type][0], message: '', lastHeartbeatTime: time(nowMs), lastTransitionTime: since }));
}

/** The Node a kubelet registers: named after the agent, its labels, capacity and conditions. */
export function nodeObject(agent: AgentIdentity, nowMs: number): Node {
  const resources = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: agent.name,
      labels: { ...agent.labels, 'kubernetes.io/hostname': agent.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', [NAMESPACE_LABEL]: agent.namespace },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: conditions(nowMs, time(nowMs)),
      addresses: [
        // 10.128.0.0/9 holds the whole 10,000,000-agent range.
        { type: 'InternalIP', address: `10.${128 + ((agent.index >> 16) & 127)}.${(agent.index >> 8) & 255}.${agent.index & 255}` },
        { type: 'Hostname', address: agent.name },
      ],
      nodeInfo: { kubeletVersion: 'v1.36.3-fleetload', containerRuntimeVersion: 'fleetload://0', operatingSystem: 'linux', architecture: 'amd64', kernelVersion: '', osImage: 'fleetload', machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '' },
    },
  };
}

export function leaseObject(node: string, nodeUid: string | undefined, nowMs: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node,
      namespace: LEASE_NAMESPACE,
      // The kubelet makes its Node the Lease's owner, so deleting the Node collects the Lease.
      ...(nodeUid === undefined ? {} : { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: nodeUid }] }),
    },
    spec: { holderIdentity: node, leaseDurationSeconds: LEASE_DURATION_S, renewTime: microTime(nowMs) },
  };
}

/** FNV-1a: a label value (63 characters at most) for a rollout name that may be longer. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function rolloutLabelValue(rollout: string): string {
  return `${rollout.slice(0, 54).replace(/[^a-z0-9]+$/, '')}-${fnv1a(rollout)}`;
}

/** `<rollout>-<node>`, shortened to a DNS subdomain's 253 characters. */
export function podName(rollout: string, node: string): string {
  return `${rollout.slice(0, 252 - node.length)}-${node}`;
}

/** A Deployment's `bundle` is `namespace/pod`: the agent side needs both to patch the pod's status. */
export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function splitPodKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

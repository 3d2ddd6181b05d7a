// The kubelet's calls, as kubelet and k8s.io/component-helpers' lease controller make them
// (../shared/reference/protocols.md, "Kubelet and kwok"):
// - register: POST /api/v1/nodes (AlreadyExists: GET it, as a restarted kubelet does), then the
//   lease controller's first sync: GET kube-node-lease/<node>, POST it if missing, PUT if present;
// - heartbeat: PUT of the Lease last returned, only spec.renewTime changed (GET again only after
//   an error), and the node status loop's GET /api/v1/nodes/<node>?resourceVersion=0;
// - reportHealth: strategic-merge PATCH of nodes/<node>/status (the 5-minute report; the profile's
//   healthIntervalS);
// - deployments: its pods, watched with fieldSelector spec.nodeName=<node> (pod-feed.ts);
// - reportDeployment: strategic-merge PATCH of pods/<name>/status to Running; sendEvents: a core
//   v1 Event per pod, as the kubelet records Started.
// Simplified: every agent authenticates with the run's registration token (group
// fleetload:agents with kubelet-like RBAC), not a per-node identity (system:node:<name> under the
// Node authorizer), so the server's authorizer does less per call than for real kubelets.
import type { AgentEvent, ControlPlane, Registration } from '../../lib/control-plane';
import type { CallResult } from '../../lib/http-types';
import type { AgentIdentity } from '../../lib/identity';
import { isAlreadyExists, isNotFound, KubeClient, RESOURCES, type EventSource, type KubeResult, type ObjectRef } from '../../lib/kube/index';
import type { KubeObject, Lease, Node } from '../../lib/kube/types';
import { PodFeed } from './pod-feed';
import { CONDITION_TYPES, LEASE_NAMESPACE, POD_IMAGE, leaseObject, microTime, nodeObject, splitPodKey, time, toCall } from './wire';

interface KubeletState {
  nodeUid: string | undefined;
  /** The Lease as last returned: the next renewal PUTs it with a new renewTime. */
  lease: Lease | undefined;
  pods: PodFeed | undefined;
}

type AgentSide = Pick<ControlPlane, 'register' | 'awaitRegistration' | 'heartbeat' | 'reportHealth' | 'sendEvents' | 'deployments' | 'reportDeployment'>;

const nodeRef = (name: string): ObjectRef => ({ type: RESOURCES.nodes, name });
const leaseRef = (name: string): ObjectRef => ({ type: RESOURCES.leases, namespace: LEASE_NAMESPACE, name });

export function kubeletAgents(client: KubeClient, source: EventSource, token: string, random: () => number = Math.random): AgentSide & { state(name: string): KubeletState | undefined } {
  const states = new Map<string, KubeletState>();
  const stateOf = (name: string): KubeletState => {
    let s = states.get(name);
    if (s === undefined) {
      s = { nodeUid: undefined, lease: undefined, pods: undefined };
      states.set(name, s);
    }
    return s;
  };

  /** The lease controller's sync: PUT the last Lease, or (first time, or after an error) GET, then POST or PUT. */
  async function renew(name: string, s: KubeletState): Promise<KubeResult<Lease>> {
    const now = Date.now();
    let base = s.lease;
    if (base === undefined) {
      const got = await client.get<Lease>(leaseRef(name));
      if (!got.ok && isNotFound(got.error)) {
        const created = await client.create<Lease>({ type: RESOURCES.leases, namespace: LEASE_NAMESPACE }, leaseObject(name, s.nodeUid, now));
        s.lease = created.ok ? created.value : undefined;
        return created;
      }
      if (!got.ok) return got;
      base = got.value;
    }
    const r = await client.update<Lease>(leaseRef(name), { ...base, spec: { ...base.spec, holderIdentity: name, leaseDurationSeconds: base.spec?.leaseDurationSeconds, renewTime: microTime(now) } });
    s.lease = r.ok ? r.value : undefined;
    return r;
  }

  return {
    state: (name) => states.get(name),

    async register(agent: AgentIdentity): Promise<CallResult<Registration>> {
      const s = stateOf(agent.name);
      let node: KubeResult<Node> = await client.create<Node>({ type: RESOURCES.nodes }, nodeObject(agent, Date.now()));
      if (!node.ok && isAlreadyExists(node.error)) node = await client.get<Node>(nodeRef(agent.name));
      if (!node.ok) return toCall<Node, Registration>(node);
      s.nodeUid = node.value.metadata?.uid;
      s.lease = undefined;
      const lease = await renew(agent.name, s);
      // The node's credential stays the run's registration token, which the client already carries.
      return toCall<Lease, Registration>(lease, () => ({ id: agent.name, credentials: { token } }));
    },

    async awaitRegistration(agent) {
      // register() answers with credentials, so the Agent never waits; kept for the interface.
      return { status: 200, body: { id: agent.name, credentials: { token } }, retryAfterMs: undefined, error: '' };
    },

    async heartbeat(agent) {
      const s = stateOf(agent.name);
      const lease = await renew(agent.name, s);
      // The node status loop reads its Node from the watch cache every 10 s, and writes only on change.
      const node = await client.get<Node>(nodeRef(agent.name), { resourceVersion: '0' });
      return lease.ok ? toCall<Node, unknown>(node) : toCall<Lease, unknown>(lease);
    },

    async reportHealth(agent) {
      const now = Date.now();
      const patch = {
        status: {
          '$setElementOrder/conditions': CONDITION_TYPES.map((type) => ({ type })),
          conditions: CONDITION_TYPES.map((type) => ({ type, lastHeartbeatTime: time(now) })),
        },
      };
      return toCall<Node, unknown>(await client.patchStatus<Node>(nodeRef(agent.name), 'strategic', patch));
    },

    async sendEvents(agent, _creds, events: AgentEvent[]) {
      let last: CallResult<unknown> = { status: 200, body: undefined, retryAfterMs: undefined, error: '' };
      for (const e of events) {
        if (e.bundle === undefined) continue;
        const { namespace, name } = splitPodKey(e.bundle);
        const now = Date.now();
        const event = {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${name}.${now.toString(16)}${Math.floor(random() * 0xffff).toString(16)}`, namespace },
          involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace, name, fieldPath: 'spec.containers{app}' },
          reason: e.type === 'Warning' ? 'Failed' : 'Started',
          message: e.message,
          type: e.type,
          source: { component: 'kubelet', host: agent.name },
          firstTimestamp: time(now),
          lastTimestamp: time(now),
          count: 1,
        };
        last = toCall<KubeObject, unknown>(await client.create<KubeObject>({ type: RESOURCES.events, namespace }, event));
      }
      return last;
    },

    async deployments(agent, _creds, _since, watchS) {
      const s = stateOf(agent.name);
      if (s.pods === undefined || s.pods.stopped) s.pods = new PodFeed(client, source, agent.name, random);
      const page = await s.pods.next(watchS);
      return { status: 200, body: page, retryAfterMs: undefined, error: '' };
    },

    async reportDeployment(_agent, _creds, d, state, appliedAt, readyAt) {
      const { namespace, name } = splitPodKey(d.bundle);
      const started = time(appliedAt);
      const running = state === 'Ready';
      const condition = (type: string): { type: string; status: string; lastTransitionTime: string } => ({ type, status: running || type === 'PodScheduled' || type === 'Initialized' ? 'True' : 'False', lastTransitionTime: time(readyAt) });
      const types = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
      const patch = {
        status: {
          '$setElementOrder/conditions': types.map((type) => ({ type })),
          conditions: types.map(condition),
          phase: running ? 'Running' : 'Failed',
          startTime: started,
          containerStatuses: [
            {
              name: 'app',
              image: POD_IMAGE,
              imageID: '',
              ready: running,
              restartCount: 0,
              started: running,
              state: running ? { running: { startedAt: started } } : { terminated: { exitCode: 1, reason: 'Error', startedAt: started, finishedAt: time(readyAt) } },
            },
          ],
        },
      };
      return toCall<KubeObject, unknown>(await client.patchStatus<KubeObject>({ type: RESOURCES.pods, namespace, name }, 'strategic', patch));
    },
  };
}

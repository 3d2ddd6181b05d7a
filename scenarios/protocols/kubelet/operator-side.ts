// The operator side of the kubelet protocol, with the kubeconfig's identity:
// - createBundle: a "rollout" as a DaemonSet controller makes one: one Pod per matching Node
//   (the selector, and the node's run namespace label), bound with spec.nodeName, in that
//   namespace; the namespace and its `default` ServiceAccount are created first when missing (the
//   ServiceAccount admission plugin refuses pods without it, and no controller-manager makes it);
// - bundleProgress: LIST of the rollout's pods (labelSelector), Running counting as ready;
// - API load: GET node (read-resource), LIST pods in a namespace (read-namespace), LIST nodes
//   (read-cluster), merge PATCH of node labels (mutating).
// Its calls carry OPERATOR_SUFFIX on their URL template, so that a run's fidelity check can tell
// them from the agents' calls to the same URLs (both GET nodes/<name>).
import type { ControlPlane } from '../../lib/control-plane';
import { OPERATOR_SUFFIX, type CallResult } from '../../lib/http-types';
import { isAlreadyExists, KubeClient, RESOURCES, type KubeTransport } from '../../lib/kube/index';
import type { KubeList, KubeObject, Node, Pod } from '../../lib/kube/types';
import { CREATED_AT_ANNOTATION, NAMESPACE_LABEL, PAYLOAD_ANNOTATION, POD_IMAGE, ROLLOUT_LABEL, podName, rolloutLabelValue, toCall } from './wire';

type OperatorSide = Pick<ControlPlane, 'createBundle' | 'bundleProgress' | 'getCluster' | 'listClusters' | 'patchLabels'>;

/** Pod creates in flight at once: a controller's worker pool, not 10,000 at a time. */
const CREATE_CONCURRENCY = 16;
/** Annotations may hold 256 KiB in all; the payload stands in for a pod spec's bulk. */
const MAX_PAYLOAD = 200_000;

export function operatorTransport(t: KubeTransport): KubeTransport {
  return { request: (method, url, body, headers, tags, timeoutMs) => t.request(method, url, body, headers, { ...tags, name: `${tags.name}${OPERATOR_SUFFIX}` }, timeoutMs) };
}

const OK: CallResult<unknown> = { status: 200, body: undefined, retryAfterMs: undefined, error: '' };

export function kubeletOperator(client: KubeClient): OperatorSide {
  const namespaces = new Map<string, Promise<CallResult<unknown>>>();

  async function createNamespace(ns: string): Promise<CallResult<unknown>> {
    const made = await client.create<KubeObject>({ type: RESOURCES.namespaces }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (!made.ok && !isAlreadyExists(made.error)) return toCall(made);
    const sa = await client.create<KubeObject>({ type: RESOURCES.serviceaccounts, namespace: ns }, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
    return sa.ok || isAlreadyExists(sa.error) ? OK : toCall(sa);
  }

  function ensureNamespace(ns: string): Promise<CallResult<unknown>> {
    let p = namespaces.get(ns);
    if (p === undefined) {
      p = createNamespace(ns).then((r) => {
        if (r.status < 200 || r.status >= 300) namespaces.delete(ns);
        return r;
      });
      namespaces.set(ns, p);
    }
    return p;
  }

  return {
    async createBundle(namespace, name, selector, payloadBytes) {
      const ready = await ensureNamespace(namespace);
      if (ready.status < 200 || ready.status >= 300) return ready;
      const labelSelector = [selector, `${NAMESPACE_LABEL}=${namespace}`].filter((s) => s !== '').join(',');
      const nodes = await client.list<Node>({ type: RESOURCES.nodes }, { labelSelector, limit: 500 });
      if (!nodes.ok) return toCall(nodes);
      const names = nodes.value.items.map((n) => n.metadata?.name ?? '').filter((n) => n !== '');
      const payload = 'x'.repeat(Math.min(payloadBytes, MAX_PAYLOAD));
      const label = rolloutLabelValue(name);
      let worst: CallResult<unknown> = { status: 201, body: undefined, retryAfterMs: undefined, error: '' };
      for (let i = 0; i < names.length; i += CREATE_CONCURRENCY) {
        const batch = names.slice(i, i + CREATE_CONCURRENCY).map((node) => {
          const pod: Pod = {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name: podName(name, node),
              namespace,
              labels: { [ROLLOUT_LABEL]: label },
              // Written as the create is sent: distribution latency starts here, in milliseconds.
              annotations: { [CREATED_AT_ANNOTATION]: String(Date.now()), [PAYLOAD_ANNOTATION]: payload },
            },
            // Bound at creation, as a DaemonSet controller binds: no scheduler runs on a bare API server.
            spec: { nodeName: node, automountServiceAccountToken: false, terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: POD_IMAGE }] },
          };
          return client.create<Pod>({ type: RESOURCES.pods, namespace }, pod);
        });
        for (const r of await Promise.all(batch)) if (!r.ok && (worst.status < 300 || r.status === 0)) worst = toCall(r);
      }
      return worst;
    },

    async bundleProgress(namespace, name) {
      const pods = await client.list<Pod>({ type: RESOURCES.pods, namespace }, { labelSelector: `${ROLLOUT_LABEL}=${rolloutLabelValue(name)}`, limit: 500 });
      return toCall(pods, (l) => {
        let ready = 0;
        let failed = 0;
        for (const p of l.items) {
          if (p.status?.phase === 'Running') ready++;
          else if (p.status?.phase === 'Failed') failed++;
        }
        return { desired: l.count, ready, failed };
      });
    },

    async getCluster(ref) {
      return toCall<Node, unknown>(await client.get<Node>({ type: RESOURCES.nodes, name: ref.name }));
    },

    async listClusters(namespace, selector, limit, cont) {
      const query = { labelSelector: selector, limit, continue: cont };
      const r = namespace === undefined ? await client.listPage<Node>({ type: RESOURCES.nodes }, query) : await client.listPage<Pod>({ type: RESOURCES.pods, namespace }, query);
      return toCall<KubeList<KubeObject>, { next: string | undefined }>(r, (l) => ({ next: l.metadata?.continue === undefined || l.metadata.continue === '' ? undefined : l.metadata.continue }));
    },

    async patchLabels(ref, labels) {
      return toCall<Node, unknown>(await client.patch<Node>({ type: RESOURCES.nodes, name: ref.name }, 'merge', { metadata: { labels } }));
    },
  };
}

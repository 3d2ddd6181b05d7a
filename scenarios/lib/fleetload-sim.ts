// The reference control plane's protocol (simulator/README.md) behind the ControlPlane interface.
import type {
  BundleStatus,
  ClusterList,
  DeploymentList,
  RegistrationStatus,
} from '../../simulator/api';
import type { ControlPlane, DeploymentPage, Registration } from './control-plane';
import { call, type CallResult, type CallTags } from './http';
import type { AgentIdentity } from './identity';

function map<A, B>(r: CallResult<A>, f: (a: A) => B): CallResult<B> {
  return { ...r, body: r.body === undefined ? undefined : f(r.body) };
}

function toRegistration(s: RegistrationStatus): Registration {
  return { id: s.id, credentials: s.phase === 'Ready' && s.credentials ? { token: s.credentials.token } : undefined };
}

function toPage(l: DeploymentList): DeploymentPage {
  return {
    revision: l.revision,
    items: l.items.map((d) => ({ bundle: d.bundle, generation: d.generation, createdAt: d.bundleCreatedAt, payloadBytes: d.payload.length })),
  };
}

const T = {
  register: { sli: 'mutating', verb: 'POST', resource: 'registrations', scope: 'resource', name: 'POST /api/v1/registrations' },
  awaitRegistration: { sli: 'none', verb: 'WATCH', resource: 'registrations', scope: 'resource', name: 'GET /api/v1/registrations/{id}?waitSeconds' },
  lease: { sli: 'mutating', verb: 'PUT', resource: 'leases', scope: 'resource', name: 'PUT /api/v1/namespaces/{ns}/clusters/{name}/lease' },
  health: { sli: 'mutating', verb: 'POST', resource: 'health', scope: 'resource', name: 'POST /api/v1/namespaces/{ns}/clusters/{name}/health' },
  events: { sli: 'mutating', verb: 'POST', resource: 'events', scope: 'resource', name: 'POST /api/v1/namespaces/{ns}/clusters/{name}/events' },
  watch: { sli: 'none', verb: 'WATCH', resource: 'deployments', scope: 'namespace', name: 'GET /api/v1/namespaces/{ns}/clusters/{name}/deployments?watch=1' },
  poll: { sli: 'read-namespace', verb: 'LIST', resource: 'deployments', scope: 'namespace', name: 'GET /api/v1/namespaces/{ns}/clusters/{name}/deployments' },
  status: { sli: 'mutating', verb: 'PUT', resource: 'deploymentstatus', scope: 'resource', name: 'PUT /api/v1/namespaces/{ns}/clusters/{name}/deployments/{bundle}/status' },
  createBundle: { sli: 'mutating', verb: 'POST', resource: 'bundles', scope: 'resource', name: 'POST /api/v1/namespaces/{ns}/bundles' },
  bundle: { sli: 'read-resource', verb: 'GET', resource: 'bundles', scope: 'resource', name: 'GET /api/v1/namespaces/{ns}/bundles/{name}' },
  getCluster: { sli: 'read-resource', verb: 'GET', resource: 'clusters', scope: 'resource', name: 'GET /api/v1/namespaces/{ns}/clusters/{name}' },
  listNamespace: { sli: 'read-namespace', verb: 'LIST', resource: 'clusters', scope: 'namespace', name: 'GET /api/v1/namespaces/{ns}/clusters' },
  listCluster: { sli: 'read-cluster', verb: 'LIST', resource: 'clusters', scope: 'cluster', name: 'GET /api/v1/clusters' },
  patch: { sli: 'mutating', verb: 'PATCH', resource: 'clusters', scope: 'resource', name: 'PATCH /api/v1/namespaces/{ns}/clusters/{name}' },
} satisfies Record<string, CallTags>;

/** Request timeout of ordinary calls; long polls get their wait plus this. */
const CALL_TIMEOUT_MS = 10_000;

function q(params: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') parts.push(`${k}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export function fleetloadSim(base: string, registrationToken: string, operatorToken: string): ControlPlane {
  const api = `${base}/api/v1`;
  const clusterUrl = (a: { namespace: string; name: string }): string =>
    `${api}/namespaces/${encodeURIComponent(a.namespace)}/clusters/${encodeURIComponent(a.name)}`;

  return {
    async register(agent: AgentIdentity) {
      const body = { clusterName: agent.name, namespace: agent.namespace, labels: agent.labels, requestedAt: Date.now() };
      return map(await call<RegistrationStatus>(`${api}/registrations`, registrationToken, T.register, body, CALL_TIMEOUT_MS), toRegistration);
    },
    async awaitRegistration(_agent, id, waitS) {
      const url = `${api}/registrations/${encodeURIComponent(id)}${q({ waitSeconds: waitS })}`;
      return map(await call<RegistrationStatus>(url, registrationToken, T.awaitRegistration, undefined, waitS * 1000 + CALL_TIMEOUT_MS), toRegistration);
    },
    heartbeat(agent, creds, nodes) {
      return call(`${clusterUrl(agent)}/lease`, creds.token, T.lease, nodes ? { nodes } : {}, CALL_TIMEOUT_MS);
    },
    reportHealth(agent, creds, nodes) {
      return call(`${clusterUrl(agent)}/health`, creds.token, T.health, { nodes }, CALL_TIMEOUT_MS);
    },
    sendEvents(agent, creds, events) {
      return call(`${clusterUrl(agent)}/events`, creds.token, T.events, { events }, CALL_TIMEOUT_MS);
    },
    async deployments(agent, creds, since, watchS) {
      const url = `${clusterUrl(agent)}/deployments${watchS > 0 ? q({ watch: 1, since, timeoutSeconds: watchS }) : ''}`;
      const tags = watchS > 0 ? T.watch : T.poll;
      return map(await call<DeploymentList>(url, creds.token, tags, undefined, watchS * 1000 + CALL_TIMEOUT_MS), toPage);
    },
    reportDeployment(agent, creds, d, state, appliedAt, readyAt) {
      const url = `${clusterUrl(agent)}/deployments/${encodeURIComponent(d.bundle)}/status`;
      return call(url, creds.token, T.status, { generation: d.generation, state, appliedAt, readyAt }, CALL_TIMEOUT_MS);
    },
    createBundle(namespace, name, selector, payloadBytes) {
      const body = { name, selector, payloadBytes };
      return call(`${api}/namespaces/${encodeURIComponent(namespace)}/bundles`, operatorToken, T.createBundle, body, CALL_TIMEOUT_MS);
    },
    async bundleProgress(namespace, name) {
      const url = `${api}/namespaces/${encodeURIComponent(namespace)}/bundles/${encodeURIComponent(name)}`;
      return map(await call<BundleStatus>(url, operatorToken, T.bundle, undefined, CALL_TIMEOUT_MS), (s) => ({ desired: s.desired, ready: s.ready, failed: s.failed }));
    },
    getCluster(ref) {
      return call(clusterUrl(ref), operatorToken, T.getCluster, undefined, CALL_TIMEOUT_MS);
    },
    async listClusters(namespace, selector, limit, cont) {
      const query = q({ labelSelector: selector, limit, continue: cont });
      const url = namespace === undefined ? `${api}/clusters${query}` : `${api}/namespaces/${encodeURIComponent(namespace)}/clusters${query}`;
      const tags = namespace === undefined ? T.listCluster : T.listNamespace;
      return map(await call<ClusterList>(url, operatorToken, tags, undefined, 60_000), (l) => ({ next: l.continue }));
    },
    patchLabels(ref, labels) {
      return call(clusterUrl(ref), operatorToken, T.patch, { labels }, CALL_TIMEOUT_MS);
    },
  };
}

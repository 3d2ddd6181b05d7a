// The reference control plane's protocol (simulator/README.md, simulator/api.ts): the protocol
// module every other one is written like. Nothing outside this file knows its wire format.
import {
  API_VERSION,
  DEFAULT_TOKENS,
  type BundleStatus,
  type ClusterList,
  type DeploymentList,
  type InfoResponse,
  type RegistrationStatus,
} from '../../simulator/api';
import type { ControlPlane, DeploymentPage, Registration } from '../lib/control-plane';
import type { CallResult, CallTags } from '../lib/http-types';
import type { AgentIdentity } from '../lib/identity';
import type { ProbeResult, Protocol, TargetSpec, Transport } from '../lib/protocol';

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
  info: { sli: 'none', verb: 'GET', resource: 'info', scope: 'resource', name: 'GET /api/v1/info' },
  probeRegistration: { sli: 'none', verb: 'GET', resource: 'registrations', scope: 'resource', name: 'GET /api/v1/registrations/{id}' },
} satisfies Record<string, CallTags>;

/** Request timeout of ordinary calls; long polls get their wait plus this. */
const CALL_TIMEOUT_MS = 10_000;

function q(params: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') parts.push(`${k}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/**
 * The simulator's info route, then one read per credential: the operator token may list one
 * cluster (200), the registration token may ask for a registration that cannot exist (404).
 */
async function probe(t: Transport, target: TargetSpec): Promise<ProbeResult> {
  const api = `${target.url}/api/v1`;
  const info = await t.call<Partial<InfoResponse>>(`${api}/info`, '', T.info, undefined, 5000);
  if (info.status === 0) return { kind: 'unreachable', detail: info.error };
  if (info.status !== 200) return { kind: 'wrong-target', detail: `it answered ${info.status} to GET /api/v1/info` };
  if (info.body?.apiVersion !== API_VERSION) {
    return { kind: 'wrong-target', detail: `GET /api/v1/info answered ${info.body === undefined ? 'something that is not JSON' : `apiVersion ${JSON.stringify(info.body.apiVersion)}`}, not ${API_VERSION}` };
  }
  const op = await t.call(`${api}/clusters?limit=1`, target.operatorToken, T.listCluster, undefined, 5000);
  if (op.status === 401 || op.status === 403) return { kind: 'rejected-credentials', credential: 'operator-token', status: op.status };
  const reg = await t.call(`${api}/registrations/fleetload-preflight-probe`, target.registrationToken, T.probeRegistration, undefined, 5000);
  if (reg.status === 401 || reg.status === 403) return { kind: 'rejected-credentials', credential: 'registration-token', status: reg.status };
  return { kind: 'ok', description: `${info.body.product ?? 'control plane'} ${API_VERSION}` };
}

function controlPlane(t: Transport, target: TargetSpec): ControlPlane {
  const { call } = t;
  const { registrationToken, operatorToken } = target;
  const api = `${target.url}/api/v1`;
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

export const fleetloadSim: Protocol = {
  name: 'fleetload-sim',
  description: `the built-in simulator's protocol (${API_VERSION})`,
  defaultCredentials: { registrationToken: DEFAULT_TOKENS.registration, operatorToken: DEFAULT_TOKENS.operator },
  serverMetrics: { path: '/metrics', family: 'fleetsim_request_duration_seconds', verbLabel: 'verb', scopeLabel: 'scope' },
  probe,
  controlPlane,
};

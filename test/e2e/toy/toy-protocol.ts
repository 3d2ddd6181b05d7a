// A protocol that is not the simulator's: the toy control plane of toy-server.ts. It is written
// exactly as a user writes one for their own control plane (README: "Your own control plane").
import type { ControlPlane } from '../../../scenarios/lib/control-plane';
import type { CallTags } from '../../../scenarios/lib/http-types';
import type { ProbeResult, Protocol, TargetSpec, Transport } from '../../../scenarios/lib/protocol';

const T = {
  hello: { sli: 'none', verb: 'GET', resource: 'hello', scope: 'resource', name: 'GET /toy/hello' },
  register: { sli: 'mutating', verb: 'POST', resource: 'clusters', scope: 'resource', name: 'POST /toy/clusters' },
  get: { sli: 'read-resource', verb: 'GET', resource: 'clusters', scope: 'resource', name: 'GET /toy/clusters/{ns}/{name}' },
  beat: { sli: 'mutating', verb: 'PUT', resource: 'beats', scope: 'resource', name: 'PUT /toy/clusters/{ns}/{name}/beat' },
  events: { sli: 'mutating', verb: 'POST', resource: 'events', scope: 'resource', name: 'POST /toy/clusters/{ns}/{name}/events' },
  work: { sli: 'read-namespace', verb: 'LIST', resource: 'work', scope: 'namespace', name: 'GET /toy/clusters/{ns}/{name}/work' },
  done: { sli: 'mutating', verb: 'PUT', resource: 'work', scope: 'resource', name: 'PUT /toy/clusters/{ns}/{name}/work/{bundle}' },
  bundle: { sli: 'mutating', verb: 'POST', resource: 'bundles', scope: 'resource', name: 'POST /toy/bundles' },
  progress: { sli: 'read-resource', verb: 'GET', resource: 'bundles', scope: 'resource', name: 'GET /toy/bundles/{ns}/{name}' },
  list: { sli: 'read-cluster', verb: 'LIST', resource: 'clusters', scope: 'cluster', name: 'GET /toy/clusters' },
  patch: { sli: 'mutating', verb: 'PATCH', resource: 'clusters', scope: 'resource', name: 'PATCH /toy/clusters/{ns}/{name}' },
} satisfies Record<string, CallTags>;

async function probe(t: Transport, target: TargetSpec): Promise<ProbeResult> {
  const r = await t.call<{ toy?: boolean }>(`${target.url}/toy/hello`, target.operatorToken, T.hello);
  if (r.status === 0) return { kind: 'unreachable', detail: r.error };
  if (r.status === 401) return { kind: 'rejected-credentials', credential: 'operator-token', status: 401 };
  return r.body?.toy === true ? { kind: 'ok', description: 'a toy control plane' } : { kind: 'wrong-target', detail: `GET /toy/hello answered ${r.status}` };
}

function controlPlane(t: Transport, target: TargetSpec): ControlPlane {
  const base = `${target.url}/toy`;
  const op = target.operatorToken;
  const one = (a: { namespace: string; name: string }): string => `${base}/clusters/${a.namespace}/${a.name}`;
  return {
    async register(agent) {
      const r = await t.call<{ token: string }>(`${base}/clusters`, target.registrationToken, T.register, { namespace: agent.namespace, name: agent.name });
      return { ...r, body: r.body && { id: agent.name, credentials: { token: r.body.token } } };
    },
    async awaitRegistration(agent) {
      const r = await t.call<{ token: string }>(one(agent), target.registrationToken, T.get);
      return { ...r, body: r.body && { id: agent.name, credentials: { token: r.body.token } } };
    },
    heartbeat: (agent, creds) => t.call(`${one(agent)}/beat`, creds.token, T.beat, {}),
    reportHealth: (agent, creds) => t.call(`${one(agent)}/beat`, creds.token, T.beat, {}),
    sendEvents: (agent, creds, events) => t.call(`${one(agent)}/events`, creds.token, T.events, { count: events.length }),
    async deployments(agent, creds, since) {
      const r = await t.call<{ revision: number; items: Array<{ bundle: string; createdAt: number }> }>(`${one(agent)}/work?since=${since}`, creds.token, T.work);
      return { ...r, body: r.body && { revision: r.body.revision, items: r.body.items.map((i) => ({ bundle: i.bundle, generation: 1, createdAt: i.createdAt, payloadBytes: 0 })) } };
    },
    reportDeployment: (agent, creds, d, state) => t.call(`${one(agent)}/work/${d.bundle}`, creds.token, T.done, { state }),
    createBundle: (namespace, name) => t.call(`${base}/bundles`, op, T.bundle, { namespace, name }),
    async bundleProgress(namespace, name) {
      return t.call<{ desired: number; ready: number; failed: number }>(`${base}/bundles/${namespace}/${name}`, op, T.progress);
    },
    getCluster: (ref) => t.call(one(ref), op, T.get),
    async listClusters() {
      const r = await t.call(`${base}/clusters`, op, T.list);
      return { ...r, body: r.body === undefined ? undefined : { next: undefined } };
    },
    patchLabels: (ref, labels) => t.call(one(ref), op, T.patch, { labels }),
  };
}

export const toyProtocol: Protocol = {
  name: 'toy',
  description: 'a toy control plane for the registry test',
  defaultCredentials: { registrationToken: 'toy-reg', operatorToken: 'toy-op' },
  probe,
  controlPlane,
};

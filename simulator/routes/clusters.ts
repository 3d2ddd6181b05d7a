// Operator reads and writes of clusters in the three API-SLI scopes (resource, namespace,
// cluster), with label selectors and pagination; plus the latest health and the event ring.
import type { ClusterList, ClusterPatch, ClusterView } from '../api';
import type { RouteSpec } from '../context';
import { invalidField, notFound } from '../errors';
import { intParam, type Query } from '../http';
import { clusterPatch } from '../schemas';
import { parseSelector } from '../selectors';
import type { Cluster } from '../store';

const CLUSTER = '/api/v1/namespaces/{ns}/clusters/{name}';
const CONTINUE_PREFIX = 'v1:';

function encodeContinue(seq: number): string {
  return Buffer.from(`${CONTINUE_PREFIX}${seq}`).toString('base64url');
}

function decodeContinue(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const seq = Number(text.slice(CONTINUE_PREFIX.length));
  if (!text.startsWith(CONTINUE_PREFIX) || !Number.isSafeInteger(seq) || seq < 0)
    throw invalidField('continue', 'continue must be a token from a previous page');
  return seq;
}

/**
 * One page of matching clusters, in creation order. Every list walks the whole scope (to count
 * `total`), so list cost grows with the fleet, as it does on real control planes without an index.
 */
function list(source: Iterable<Cluster>, query: Query): ClusterList {
  const selector = parseSelector(query.labelSelector ?? '', 'labelSelector');
  const limit = intParam(query, 'limit', 1, 1_000_000_000) ?? Number.POSITIVE_INFINITY;
  const after = decodeContinue(query.continue);
  const items: ClusterView[] = [];
  let total = 0;
  let more = false;
  let last = 0;
  for (const c of source) {
    if (!selector.matches(c.labels)) continue;
    total++;
    if (c.seq <= after) continue;
    if (items.length < limit) {
      items.push(c.view());
      last = c.seq;
    } else more = true;
  }
  const out: ClusterList = { items, total };
  if (more) out.continue = encodeContinue(last);
  return out;
}

function find(ns: string, name: string, lookup: (ns: string, name: string) => Cluster | undefined): Cluster {
  const c = lookup(ns, name);
  if (c === undefined) throw notFound(`cluster ${ns}/${name}`);
  return c;
}

export const clusterRoutes: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/v1/clusters',
    auth: 'operator',
    group: 'reads',
    verb: 'LIST',
    scope: 'cluster',
    body: 'none',
    handle: ({ sim, query }) => ({ status: 200, body: list(sim.store.clusters, query) }),
  },
  {
    method: 'GET',
    path: '/api/v1/namespaces/{ns}/clusters',
    auth: 'operator',
    group: 'reads',
    verb: 'LIST',
    scope: 'namespace',
    body: 'none',
    handle: ({ sim, params, query }) => {
      const ns = sim.store.namespace(params[0] as string, false);
      return { status: 200, body: list(ns === undefined ? [] : ns.clusters.values(), query) };
    },
  },
  {
    method: 'GET',
    path: CLUSTER,
    auth: 'operator',
    group: 'reads',
    verb: 'GET',
    scope: 'resource',
    body: 'none',
    handle: ({ sim, params }) => ({ status: 200, body: find(params[0] as string, params[1] as string, (n, m) => sim.store.cluster(n, m)).view() }),
  },
  {
    method: 'PATCH',
    path: CLUSTER,
    auth: 'operator',
    group: 'writes',
    verb: 'PATCH',
    scope: 'resource',
    body: 'required',
    schema: clusterPatch,
    handle: ({ sim, params, body }) => {
      const c = find(params[0] as string, params[1] as string, (n, m) => sim.store.cluster(n, m));
      sim.store.patchLabels(c, (body as ClusterPatch).labels);
      return { status: 200, body: c.view() };
    },
  },
  {
    method: 'DELETE',
    path: CLUSTER,
    auth: 'operator',
    group: 'writes',
    verb: 'DELETE',
    scope: 'resource',
    body: 'none',
    handle: ({ sim, params }) => {
      const c = find(params[0] as string, params[1] as string, (n, m) => sim.store.cluster(n, m));
      sim.leases.remove(c);
      sim.store.deleteCluster(c);
      sim.hub.registrationChanged(c);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: `${CLUSTER}/health`,
    auth: 'operator',
    group: 'reads',
    verb: 'GET',
    scope: 'resource',
    body: 'none',
    handle: ({ sim, params }) => {
      const c = find(params[0] as string, params[1] as string, (n, m) => sim.store.cluster(n, m));
      const text = c.health === null ? '{"nodes":[],"reportedAt":null}' : `{"nodes":${c.health},"reportedAt":${c.healthAt}}`;
      return { status: 200, raw: { contentType: 'application/json', text } };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/namespaces/{ns}/events',
    auth: 'operator',
    group: 'reads',
    verb: 'LIST',
    scope: 'namespace',
    body: 'none',
    handle: ({ sim, params }) => {
      const ring = sim.store.namespace(params[0] as string, false)?.events;
      return { status: 200, body: { items: ring?.list() ?? [], total: ring?.total ?? 0 } };
    },
  },
];

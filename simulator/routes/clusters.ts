// Operator reads and writes of clusters in the three API-SLI scopes (resource, namespace,
// cluster), with label selectors and pagination; plus the latest health and the event ring.
import type { ClusterPatch } from '../api';
import type { RouteSpec } from '../context';
import { invalidField, notFound } from '../errors';
import { intParam, JSON_TYPE, type Query, type Reply } from '../http';
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
 * One page of matching clusters, in creation order, as ClusterList JSON. Every list walks the
 * whole scope (to count `total`), so list cost grows with the fleet, as it does on real control
 * planes without an index. The page is written as JSON.stringify writes a ClusterList (items,
 * total, continue) from each cluster's viewJson(), without building the view objects first.
 */
function list(source: Iterable<Cluster>, query: Query): string {
  const selector = parseSelector(query.labelSelector ?? '', 'labelSelector');
  const limit = intParam(query, 'limit', 1, 1_000_000_000) ?? Number.POSITIVE_INFINITY;
  const after = decodeContinue(query.continue);
  const items: string[] = [];
  let total = 0;
  let more = false;
  let last = 0;
  for (const c of source) {
    if (!selector.matches(c.labels)) continue;
    total++;
    if (c.seq <= after) continue;
    if (items.length < limit) {
      items.push(c.viewJson());
      last = c.seq;
    } else more = true;
  }
  const cont = more ? `,"continue":${JSON.stringify(encodeContinue(last))}` : '';
  return `{"items":[${items.join(',')}],"total":${total}${cont}}`;
}

function listReply(source: Iterable<Cluster>, query: Query): Reply {
  return { status: 200, raw: { contentType: JSON_TYPE, text: list(source, query) } };
}

function viewReply(c: Cluster): Reply {
  return { status: 200, raw: { contentType: JSON_TYPE, text: c.viewJson() } };
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
    handle: ({ sim, query }) => listReply(sim.store.clusters, query),
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
      return listReply(ns === undefined ? [] : ns.clusters.values(), query);
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
    handle: ({ sim, params }) => viewReply(find(params[0] as string, params[1] as string, (n, m) => sim.store.cluster(n, m))),
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
      return viewReply(c);
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
      const nodes = c.healthJson();
      const text = nodes === null ? '{"nodes":[],"reportedAt":null}' : `{"nodes":${nodes},"reportedAt":${c.healthAt}}`;
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

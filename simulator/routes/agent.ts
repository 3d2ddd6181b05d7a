// What an edge agent calls with its cluster token: lease renewal (heartbeat), health, events,
// its deployments (plain or as a watch-style long poll) and deployment status reports.
import type {
  DeploymentList,
  DeploymentStatusReport,
  EventsReport,
  HealthReport,
  LeaseRenewal,
  LeaseResponse,
} from '../api';
import type { Ctx, RouteSpec } from '../context';
import { HttpError, notFound } from '../errors';
import { boolParam, intParam, MAX_WAIT_PARAM, numParam, type Reply } from '../http';
import { deploymentStatusReport, eventsReport, healthReport, leaseRenewal } from '../schemas';
import type { Cluster } from '../store';
import { parkUntil } from './park';

const CLUSTER = '/api/v1/namespaces/{ns}/clusters/{name}';
const NO_CONTENT: Reply = Object.freeze({ status: 204 });

function listReply(c: Cluster): Reply {
  const list: DeploymentList = c.deploymentList();
  return { status: 200, body: list };
}

function watchDeployments(ctx: Ctx, c: Cluster, since: number, timeoutSeconds: number): Reply | Promise<Reply> {
  const { sim } = ctx;
  if (c.deploymentsRevision > since || timeoutSeconds <= 0 || sim.hub.closing) return listReply(c);
  const gone = (): boolean => sim.store.cluster(c.namespace.name, c.name) !== c;
  return parkUntil(
    ctx,
    timeoutSeconds,
    // Woken by a change of this cluster only; a `since` ahead of the server (a client bug or a
    // lost restart) keeps waiting rather than spinning.
    { add: (w) => sim.hub.addWatcher(c, w), remove: (w) => sim.hub.removeWatcher(c, w), ready: () => c.deploymentsRevision > since || sim.hub.closing || gone() },
    () => (gone() ? { status: 404, body: notFound(`cluster ${c.name}`).toBody() } : listReply(c)),
  );
}

export const agentRoutes: readonly RouteSpec[] = [
  {
    method: 'PUT',
    path: `${CLUSTER}/lease`,
    auth: 'cluster',
    group: 'lease',
    verb: 'PUT',
    scope: 'resource',
    body: 'optional',
    schema: leaseRenewal,
    handle: ({ sim, cluster, body, now }) => {
      const c = cluster as Cluster;
      sim.store.renewLease(c, now);
      sim.leases.touch(c);
      sim.metrics.leaseRenewals.inc();
      const nodes = (body as LeaseRenewal | undefined)?.nodes;
      if (nodes !== undefined) c.setHealth(nodes, now);
      const lease: LeaseResponse = { phase: c.phase, leaseDurationSeconds: sim.options.leaseDurationSeconds, renewedAt: now };
      return { status: 200, body: lease };
    },
  },
  {
    method: 'POST',
    path: `${CLUSTER}/health`,
    auth: 'cluster',
    group: 'status',
    verb: 'POST',
    scope: 'resource',
    body: 'required',
    schema: healthReport,
    handle: ({ cluster, body, now }) => {
      const c = cluster as Cluster;
      c.setHealth((body as HealthReport).nodes, now);
      return NO_CONTENT;
    },
  },
  {
    method: 'POST',
    path: `${CLUSTER}/events`,
    auth: 'cluster',
    group: 'status',
    verb: 'POST',
    scope: 'resource',
    body: 'required',
    schema: eventsReport,
    handle: ({ sim, cluster, body, now }) => {
      sim.store.addEvents(cluster as Cluster, (body as EventsReport).events, now);
      return NO_CONTENT;
    },
  },
  {
    method: 'GET',
    path: `${CLUSTER}/deployments`,
    auth: 'cluster',
    group: 'deployments',
    verb: 'LIST',
    scope: 'namespace',
    body: 'none',
    handle: (ctx) => {
      const c = ctx.cluster as Cluster;
      const since = intParam(ctx.query, 'since', 0, Number.MAX_SAFE_INTEGER) ?? 0;
      // Longer waits than the server allows are clamped, not refused, as Kubernetes does for watches.
      const timeout = numParam(ctx.query, 'timeoutSeconds', 0, MAX_WAIT_PARAM);
      if (!boolParam(ctx.query, 'watch')) return listReply(c);
      ctx.verb = 'WATCH';
      return watchDeployments(ctx, c, since, Math.min(timeout ?? ctx.sim.options.defaultWatchSeconds, ctx.sim.options.maxWaitSeconds));
    },
  },
  {
    method: 'PUT',
    path: `${CLUSTER}/deployments/{bundle}/status`,
    auth: 'cluster',
    group: 'status',
    verb: 'PUT',
    scope: 'resource',
    body: 'required',
    schema: deploymentStatusReport,
    handle: ({ sim, cluster, params, body, now }) => {
      const c = cluster as Cluster;
      const r = body as DeploymentStatusReport;
      const d = c.findDeployment(params[2] as string);
      if (d === undefined) throw notFound(`deployment of bundle ${params[2] as string} on cluster ${c.name}`);
      if (r.generation !== d.generation)
        throw new HttpError(
          409,
          'conflict',
          `generation ${r.generation} is not the current generation ${d.generation} of bundle ${d.bundle.name}`,
          'generation',
        );
      sim.store.reportStatus(d, r.state, now);
      return NO_CONTENT;
    },
  },
];

// What an edge agent calls with its cluster token: lease renewal (heartbeat), health, events,
// its deployments (plain or as a watch-style long poll) and deployment status reports.
import type { ClusterPhase, DeploymentStatusReport, EventsReport, LeaseRenewal, LeaseResponse } from '../api';
import type { Ctx, RouteSpec } from '../context';
import { HttpError, notFound } from '../errors';
import { boolParam, intParam, JSON_TYPE, MAX_WAIT_PARAM, numParam, type Reply } from '../http';
import { deploymentStatusReport, eventsReport, healthReport, leaseRenewal } from '../schemas';
import type { Cluster } from '../store';
import { LongPoll } from './park';

const CLUSTER = '/api/v1/namespaces/{ns}/clusters/{name}';
const NO_CONTENT: Reply = Object.freeze({ status: 204 });

/** The cluster's DeploymentList, serialised from pieces the bundles keep (the payload is escaped once per bundle, not per answer). */
function listReply(c: Cluster): Reply {
  return { status: 200, raw: { contentType: JSON_TYPE, text: c.deploymentListJson() } };
}

/** `LeaseResponse` as JSON.stringify writes it (phase, then the two numbers), without building the object. */
const LEASE_PREFIX: Readonly<Record<ClusterPhase, string>> = {
  Pending: '{"phase":"Pending","leaseDurationSeconds":',
  Ready: '{"phase":"Ready","leaseDurationSeconds":',
  Unknown: '{"phase":"Unknown","leaseDurationSeconds":',
};
function leaseJson(r: LeaseResponse): string {
  // Finite numbers print the same through String() as through JSON.stringify.
  return `${LEASE_PREFIX[r.phase]}${r.leaseDurationSeconds},"renewedAt":${r.renewedAt}}`;
}

/**
 * A deployment watch. Woken by a change of this cluster only; a `since` ahead of the server (a
 * client bug or a lost restart) keeps waiting rather than spinning.
 */
class DeploymentWatch extends LongPoll {
  constructor(
    ctx: Ctx,
    private readonly c: Cluster,
    private readonly since: number,
  ) {
    super(ctx);
  }

  private gone(): boolean {
    const { c } = this;
    return this.ctx.sim.store.cluster(c.namespace.name, c.name) !== c;
  }

  protected add(): void {
    this.ctx.sim.hub.addWatcher(this.c, this);
  }

  protected remove(): void {
    this.ctx.sim.hub.removeWatcher(this.c, this);
  }

  protected ready(): boolean {
    return this.c.deploymentsRevision > this.since || this.ctx.sim.hub.closing || this.gone();
  }

  protected answer(): Reply {
    return this.gone() ? { status: 404, body: notFound(`cluster ${this.c.name}`).toBody() } : listReply(this.c);
  }
}

function watchDeployments(ctx: Ctx, c: Cluster, since: number, timeoutSeconds: number): Reply | Promise<Reply> {
  if (c.deploymentsRevision > since || timeoutSeconds <= 0 || ctx.sim.hub.closing) return listReply(c);
  return new DeploymentWatch(ctx, c, since).park(timeoutSeconds);
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
    handle: ({ sim, cluster, body, bodyText, now }) => {
      const c = cluster as Cluster;
      sim.store.renewLease(c, now);
      sim.leases.touch(c);
      sim.metrics.leaseRenewed();
      // The body's text is kept as the health report (Cluster.healthDoc), not re-serialised.
      if ((body as LeaseRenewal | undefined)?.nodes !== undefined) c.setHealthDoc(bodyText, now);
      return { status: 200, raw: { contentType: JSON_TYPE, text: leaseJson({ phase: c.phase, leaseDurationSeconds: sim.options.leaseDurationSeconds, renewedAt: now }) } };
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
    handle: ({ cluster, bodyText, now }) => {
      // Validated against healthReport: `nodes` is there (Cluster.healthDoc).
      (cluster as Cluster).setHealthDoc(bodyText, now);
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

// Registration: a request queues the cluster (202 Pending); the worker pool issues credentials;
// GET with waitSeconds long-polls until Ready.
import type { RegistrationRequest } from '../api';
import type { Ctx, RouteSpec } from '../context';
import { notFound } from '../errors';
import { MAX_WAIT_PARAM, numParam, type Reply } from '../http';
import type { Cluster } from '../store';
import { registrationRequest } from '../schemas';
import { LongPoll } from './park';

/** A wait for credentials: any change of the registration (Ready, superseded, deleted) answers it. */
class RegistrationWait extends LongPoll {
  constructor(
    ctx: Ctx,
    private readonly c: Cluster,
    private readonly id: string,
  ) {
    super(ctx);
  }

  protected add(): void {
    this.ctx.sim.hub.addRegWaiter(this.c, this);
  }

  protected remove(): void {
    this.ctx.sim.hub.removeRegWaiter(this.c, this);
  }

  protected ready(): boolean {
    return true;
  }

  protected answer(): Reply {
    const now = this.ctx.sim.store.byRegId.get(this.id);
    return now === undefined ? { status: 404, body: notFound(`registration ${this.id}`).toBody() } : { status: 200, body: now.registrationStatus() };
  }
}

function waitForRegistration(ctx: Ctx, id: string, waitSeconds: number): Reply | Promise<Reply> {
  const { sim } = ctx;
  const c = sim.store.byRegId.get(id);
  if (c === undefined) throw notFound(`registration ${id}`);
  if (!c.regPending || waitSeconds <= 0 || sim.hub.closing) return { status: 200, body: c.registrationStatus() };
  return new RegistrationWait(ctx, c, id).park(waitSeconds);
}

export const registrationRoutes: readonly RouteSpec[] = [
  {
    method: 'POST',
    path: '/api/v1/registrations',
    auth: 'registration',
    group: 'registration',
    verb: 'POST',
    scope: 'resource',
    body: 'required',
    schema: registrationRequest,
    handle: ({ sim, body, now }) => {
      const r = body as RegistrationRequest;
      const existing = sim.store.cluster(r.namespace, r.clusterName);
      const c = sim.store.register(r.namespace, r.clusterName, r.labels, now);
      // Waiters on the superseded registration get their 404 now rather than at their timeout.
      if (existing !== undefined) sim.hub.registrationChanged(c);
      sim.metrics.registrations.inc({ result: existing === undefined ? 'new' : 'reregistered' });
      sim.registrations.enqueue(c);
      return { status: 202, body: c.registrationStatus() };
    },
  },
  {
    method: 'GET',
    path: '/api/v1/registrations/{id}',
    auth: 'registration',
    group: 'registration',
    verb: 'GET',
    scope: 'resource',
    body: 'none',
    handle: (ctx) => waitForRegistration(ctx, ctx.params[0] as string, Math.min(numParam(ctx.query, 'waitSeconds', 0, MAX_WAIT_PARAM) ?? 0, ctx.sim.options.maxWaitSeconds)),
  },
];

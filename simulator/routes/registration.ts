// Registration: a request queues the cluster (202 Pending); the worker pool issues credentials;
// GET with waitSeconds long-polls until Ready.
import type { RegistrationRequest } from '../api';
import type { Ctx, RouteSpec } from '../context';
import { notFound } from '../errors';
import { MAX_WAIT_PARAM, numParam, type Reply } from '../http';
import { registrationRequest } from '../schemas';
import { parkUntil } from './park';

function waitForRegistration(ctx: Ctx, id: string, waitSeconds: number): Reply | Promise<Reply> {
  const { sim } = ctx;
  const c = sim.store.byRegId.get(id);
  if (c === undefined) throw notFound(`registration ${id}`);
  if (!c.regPending || waitSeconds <= 0 || sim.hub.closing) return { status: 200, body: c.registrationStatus() };
  return parkUntil(ctx, waitSeconds, { add: (w) => sim.hub.addRegWaiter(c, w), remove: (w) => sim.hub.removeRegWaiter(c, w), ready: () => true }, () => {
    const now = sim.store.byRegId.get(id);
    return now === undefined ? { status: 404, body: notFound(`registration ${id}`).toBody() } : { status: 200, body: now.registrationStatus() };
  });
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

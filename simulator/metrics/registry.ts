// The simulator's own Prometheus metrics, on a private Registry (never the global one, so several
// in-process simulators and the harness's own metrics do not collide). Labels are bounded: route
// templates, verbs, codes, kinds and states; never a cluster name.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Read at scrape time, so object gauges cost nothing between scrapes. */
export interface MetricsSource {
  clusterPhases(): { Pending: number; Ready: number; Unknown: number };
  deploymentStates(): { Pending: number; Applied: number; Ready: number; Failed: number };
  bundles(): number;
  namespaces(): number;
  registrationQueue(): { queued: number; inProgress: number };
  parkedRequests(): number;
  inflight(): number;
}

/** Includes the SIG-scalability SLO boundaries (1 s, 5 s, 30 s) so slow calls can be counted from buckets. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type RequestLabels = 'route' | 'verb' | 'scope' | 'code';

export class SimulatorMetrics {
  readonly registry = new Registry();
  private readonly requestDuration: Histogram<RequestLabels>;
  private readonly children = new Map<string, Histogram.Internal<RequestLabels>>();
  readonly registrationWait: Histogram;
  readonly registrations: Counter<'result'>;
  readonly leaseExpiries: Counter;
  readonly leaseRenewals: Counter;
  readonly rejected: Counter<'reason'>;

  constructor(source: MetricsSource, processMetrics: boolean) {
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: 'fleetsim_request_duration_seconds',
      help: 'Server-side request latency from receipt to the last byte written, by route template, verb (GET/LIST/WATCH/...), scope and code.',
      labelNames: ['route', 'verb', 'scope', 'code'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.registrationWait = new Histogram({
      name: 'fleetsim_registration_wait_seconds',
      help: 'Time from a registration being queued to its credentials being issued.',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.registrations = new Counter({
      name: 'fleetsim_registrations_total',
      help: 'Registration requests accepted (new clusters and re-registrations).',
      labelNames: ['result'],
      registers,
    });
    this.leaseExpiries = new Counter({ name: 'fleetsim_lease_expiries_total', help: 'Leases that lapsed (cluster marked Unknown).', registers });
    this.leaseRenewals = new Counter({ name: 'fleetsim_lease_renewals_total', help: 'Lease renewals (heartbeats).', registers });
    this.rejected = new Counter({
      name: 'fleetsim_rejected_requests_total',
      help: 'Requests refused before handling: overloaded (429, --max-inflight) or injected (503, --error-rate).',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: 'fleetsim_objects',
      help: 'Objects by kind and state.',
      labelNames: ['kind', 'state'],
      registers,
      collect() {
        const p = source.clusterPhases();
        for (const [state, n] of Object.entries(p)) this.set({ kind: 'cluster', state }, n);
        const d = source.deploymentStates();
        for (const [state, n] of Object.entries(d)) this.set({ kind: 'deployment', state }, n);
        this.set({ kind: 'bundle', state: 'all' }, source.bundles());
        this.set({ kind: 'namespace', state: 'all' }, source.namespaces());
      },
    });
    new Gauge({
      name: 'fleetsim_registration_queue_depth',
      help: 'Registrations waiting for a worker (queued) and being worked on (in_progress).',
      labelNames: ['state'],
      registers,
      collect() {
        const q = source.registrationQueue();
        this.set({ state: 'queued' }, q.queued);
        this.set({ state: 'in_progress' }, q.inProgress);
      },
    });
    new Gauge({
      name: 'fleetsim_parked_requests',
      help: 'Long polls (deployment watches, registration waits) currently held open.',
      registers,
      collect() {
        this.set(source.parkedRequests());
      },
    });
    new Gauge({
      name: 'fleetsim_inflight_requests',
      help: 'Requests being handled now (what --max-inflight limits); parked long polls excluded.',
      registers,
      collect() {
        this.set(source.inflight());
      },
    });
    if (processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'fleetsim_' });
  }

  observeRequest(route: string, verb: string, scope: string, code: number, seconds: number): void {
    // Children are cached per label combination: the set is small and bounded by the route table.
    const key = `${route} ${verb} ${scope} ${code}`;
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.requestDuration.labels({ route, verb, scope, code: String(code) });
      this.children.set(key, child);
    }
    child.observe(seconds);
  }
}

// The simulator's own Prometheus metrics, on a private Registry (never the global one, so several
// in-process simulators and the harness's own metrics do not collide). Labels are bounded: route
// templates, verbs, codes, kinds and states; never a cluster name.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValueWithName } from 'prom-client';

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

/** One series of the request histogram: bucket counts (not cumulative), sum and count, as prom-client keeps them. */
class DurationSeries {
  readonly counts: number[] = DURATION_BUCKETS.map(() => 0);
  sum = 0;
  count = 0;

  constructor(readonly labels: Readonly<Record<RequestLabels, string>>) {}

  observe(seconds: number): void {
    // prom-client's bucket choice: the first bound the value does not exceed; none (only +Inf) beyond the last.
    for (let i = 0; i < DURATION_BUCKETS.length; i++) {
      if (seconds <= (DURATION_BUCKETS[i] as number)) {
        (this.counts[i] as number)++;
        break;
      }
    }
    this.sum += seconds;
    this.count++;
  }
}

/**
 * The request histogram, exported exactly as prom-client's Histogram would (same series order,
 * label order, bucket bounds and values), but observed without it: prom-client validates and
 * hashes the label set on every observe, even through a child from labels(), which was a few
 * percent of the simulator's CPU. Series are found once per route and verb (RequestSeries) and
 * observed by status code through a small map.
 */
class RequestDurationHistogram extends Histogram<RequestLabels> {
  private readonly all: DurationSeries[] = [];
  private readonly helpText: string;

  constructor(name: string, help: string, registers: Registry[]) {
    super({ name, help, labelNames: ['route', 'verb', 'scope', 'code'], buckets: DURATION_BUCKETS, registers });
    this.helpText = help;
  }

  series(labels: Readonly<Record<RequestLabels, string>>): DurationSeries {
    const s = new DurationSeries(labels);
    this.all.push(s);
    return s;
  }

  override get(): Promise<MetricObjectWithValues<MetricValueWithName<RequestLabels>>> {
    return Promise.resolve(this.snapshot());
  }

  /** What the registry reads when it renders the text format (prom-client's own histogram has it too). */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<RequestLabels>>> {
    return Promise.resolve(this.snapshot());
  }

  private snapshot(): MetricObjectWithValues<MetricValueWithName<RequestLabels>> {
    const name = REQUEST_DURATION;
    // Bucket values carry `exemplar: null` as prom-client's do (getMetricsAsJSON shows it).
    const values: (MetricValueWithName<RequestLabels | 'le'> & { exemplar?: null })[] = [];
    for (const s of this.all) {
      let acc = 0;
      for (let i = 0; i < DURATION_BUCKETS.length; i++) {
        acc += s.counts[i] as number;
        values.push({ labels: { le: DURATION_BUCKETS[i] as number, ...s.labels }, value: acc, metricName: `${name}_bucket`, exemplar: null });
      }
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${name}_bucket`, exemplar: null });
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${name}_sum` });
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${name}_count` });
    }
    return { name, help: this.helpText, type: 'histogram', aggregator: 'sum', values } as unknown as MetricObjectWithValues<MetricValueWithName<RequestLabels>>;
  }
}

/** The series of one route template, verb and scope, by status code. */
export class RequestSeries {
  private readonly byCode = new Map<number, DurationSeries>();

  constructor(
    private readonly histogram: RequestDurationHistogram,
    private readonly route: string,
    private readonly verb: string,
    private readonly scope: string,
  ) {}

  observe(code: number, seconds: number): void {
    let s = this.byCode.get(code);
    if (s === undefined) {
      s = this.histogram.series({ route: this.route, verb: this.verb, scope: this.scope, code: String(code) });
      this.byCode.set(code, s);
    }
    s.observe(seconds);
  }
}

const REQUEST_DURATION = 'fleetsim_request_duration_seconds';

export class SimulatorMetrics {
  readonly registry = new Registry();
  private readonly requestDuration: RequestDurationHistogram;
  /** By `route verb scope`; the server keeps what it gets from here per route, so this is looked up rarely. */
  private readonly bySeriesKey = new Map<string, RequestSeries>();
  readonly registrationWait: Histogram;
  readonly registrations: Counter<'result'>;
  readonly leaseExpiries: Counter;
  private readonly leaseRenewals: Counter;
  /** Renewals not yet added to fleetsim_lease_renewals_total (it takes them when scraped). */
  private renewalsPending = 0;
  readonly rejected: Counter<'reason'>;

  constructor(source: MetricsSource, processMetrics: boolean) {
    const registers = [this.registry];
    this.requestDuration = new RequestDurationHistogram(
      REQUEST_DURATION,
      'Server-side request latency from receipt to the last byte written, by route template, verb (GET/LIST/WATCH/...), scope and code.',
      registers,
    );
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
    // Counted in a plain number and handed over at scrape time: the hottest route, and prom-client's
    // inc() allocates a label object and a result per call.
    const metrics = this;
    this.leaseRenewals = new Counter({
      name: 'fleetsim_lease_renewals_total',
      help: 'Lease renewals (heartbeats).',
      registers,
      collect() {
        if (metrics.renewalsPending > 0) this.inc(metrics.renewalsPending);
        metrics.renewalsPending = 0;
      },
    });
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

  leaseRenewed(): void {
    this.renewalsPending++;
  }

  /** The request histogram's series for one route template, verb and scope (a small, bounded set). */
  requestSeries(route: string, verb: string, scope: string): RequestSeries {
    const key = `${route} ${verb} ${scope}`;
    let s = this.bySeriesKey.get(key);
    if (s === undefined) this.bySeriesKey.set(key, (s = new RequestSeries(this.requestDuration, route, verb, scope)));
    return s;
  }

  observeRequest(route: string, verb: string, scope: string, code: number, seconds: number): void {
    this.requestSeries(route, verb, scope).observe(code, seconds);
  }
}

// The live Prometheus view of a run: its own registry (never prom-client's global one), the
// metric families of this folder, and an HTTP server on loopback that serves /metrics.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { SloSpec } from '../../k6.config';
import type { SliName } from '../../scenarios/lib/plan';
import type { ApiLabels, MeasurementObserver } from '../ingest/observer';
import type { Measurements } from '../ingest/measurements';
import { SLI_NAMES } from '../ingest/measurements';
import { agentsByState } from './agents';
import { apiRequestDuration } from './api-request-duration';
import { bucketsWith } from './buckets';
import { distributionDuration } from './distribution-duration';
import { eventsTotal, type EventKind } from './events-total';
import { registrationDuration } from './registration-duration';
import { rolloutDuration } from './rollout-duration';
import { runInfo } from './run-info';
import { sloObjective, sloOk } from './slo';

export interface RunIdentity {
  runId: string;
  release: string;
  profile: string;
  engine: string;
  clusters: number;
}

export interface ExporterOptions {
  slos: Readonly<Record<SliName, SloSpec>>;
  run: RunIdentity;
  measurements: Measurements;
  /** Process metrics of the runner; off in tests that pin the exposition text. */
  processMetrics?: boolean;
}

export class Exporter implements MeasurementObserver {
  readonly registry = new Registry();
  private readonly apiDuration;
  private readonly registrationDuration;
  private readonly distributionDuration;
  private readonly rolloutDuration;
  private readonly events;
  private server: Server | undefined;
  /** Label children by their values: prom-client hashes a label object on every observe otherwise. */
  private readonly apiChildren = new Map<string, { observe(v: number): void }>();

  constructor(private readonly options: ExporterOptions) {
    const thresholds = SLI_NAMES.map((s) => options.slos[s].thresholdMs);
    const buckets = bucketsWith(thresholds);
    this.apiDuration = apiRequestDuration(this.registry, buckets);
    this.registrationDuration = registrationDuration(this.registry, buckets);
    this.distributionDuration = distributionDuration(this.registry, buckets);
    this.rolloutDuration = rolloutDuration(this.registry, bucketsWith(thresholds, [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800]));
    this.events = eventsTotal(this.registry);
    const info = runInfo(this.registry);
    const { run } = options;
    info.set({ run_id: run.runId, release: run.release, profile: run.profile, engine: run.engine, clusters: String(run.clusters) }, 1);
    const objective = sloObjective(this.registry);
    for (const sli of SLI_NAMES) objective.set({ sli, percentile: String(options.slos[sli].percentile) }, options.slos[sli].thresholdMs / 1000);
    this.liveGauges();
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'fleetload_runner_' });
  }

  /** Gauges computed at scrape time from the measurements, so they cost nothing between scrapes. */
  private liveGauges(): void {
    const { measurements, run, slos } = this.options;
    agentsByState(this.registry, function collect() {
      const c = measurements.counts;
      this.set({ state: 'requested' }, run.clusters);
      this.set({ state: 'registered' }, c.registered);
      this.set({ state: 'reregistered' }, c.reregistered);
      this.set({ state: 'failed' }, c.registrationFailed);
    });
    sloOk(this.registry, function collect() {
      this.reset();
      for (const sli of SLI_NAMES) {
        const rec = measurements.recorders[sli];
        if (rec.count === 0) continue;
        this.set({ sli }, rec.valueAt(slos[sli].percentile) <= slos[sli].thresholdMs ? 1 : 0);
      }
    });
  }

  api(labels: ApiLabels, seconds: number): void {
    const key = `${labels.verb}\u0000${labels.resource}\u0000${labels.scope}\u0000${labels.code_class}`;
    let child = this.apiChildren.get(key);
    if (!child) {
      child = this.apiDuration.labels(labels);
      this.apiChildren.set(key, child);
    }
    child.observe(seconds);
  }

  registration(kind: string, seconds: number): void {
    this.registrationDuration.observe({ kind }, seconds);
  }

  distribution(seconds: number): void {
    this.distributionDuration.observe(seconds);
  }

  rollout(seconds: number): void {
    this.rolloutDuration.observe(seconds);
  }

  event(kind: EventKind, n: number): void {
    this.events.inc({ kind }, n);
  }

  async listen(host: string, port: number): Promise<string> {
    const server = createServer((req, res) => {
      if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
        this.registry
          .metrics()
          .then((text) => {
            res.writeHead(200, { 'Content-Type': this.registry.contentType });
            res.end(text);
          })
          .catch((err: unknown) => {
            res.writeHead(500, { 'Content-Type': 'text/plain' });
            res.end(String(err));
          });
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('fleetload exporter: see /metrics\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${h}:${addr.port}/metrics`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

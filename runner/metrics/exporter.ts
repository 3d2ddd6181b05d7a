// The live Prometheus view of a run: its own registry (never prom-client's global one), the
// metric families of this folder, and an HTTP server on loopback that serves /metrics.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Histogram } from 'prom-client';
import type { SampleTags } from '../../engine/samples';
import type { SliDef, SloSet } from '../../scenarios/lib/sli';
import type { HealthWindow } from '../health/sampler';
import type { ApiLabels, MeasurementObserver } from '../ingest/observer';
import type { Measurements } from '../ingest/measurements';
import { judge, type FleetProgress } from '../verdict/judge';
import { agentsByState } from './agents';
import { apiRequestDuration } from './api-request-duration';
import { bucketsWith } from './buckets';
import { eventsTotal, type EventKind } from './events-total';
import { generatorHealth } from './generator';
import { rolloutDuration } from './rollout-duration';
import { runInfo } from './run-info';
import { sliDuration } from './sli-duration';
import { sloObjective, sloOk } from './slo';

export interface RunIdentity {
  runId: string;
  release: string;
  profile: string;
  engine: string;
  clusters: number;
  /** Omitted by callers that predate protocols: the label is then empty. */
  protocol?: string;
}

export interface ExporterOptions {
  slos: SloSet;
  run: RunIdentity;
  measurements: Measurements;
  /** The fleet so far, for the judge's never-completed rule (registrations that are overdue). */
  progress: () => FleetProgress;
  /** The generator's last health window, if any. */
  health?: () => HealthWindow | undefined;
  /** Process metrics of the runner; off in tests that pin the exposition text. */
  processMetrics?: boolean;
}

export class Exporter implements MeasurementObserver {
  readonly registry = new Registry();
  private readonly apiDuration;
  /** One family per SLI that has a metric of its own (registration, distribution, …). */
  private readonly sliFamilies = new Map<SliDef, Histogram<string>>();
  private readonly rolloutDuration;
  private readonly events;
  private server: Server | undefined;
  /** Label children by their values: prom-client hashes a label object on every observe otherwise. */
  private readonly apiChildren = new Map<string, { observe(v: number): void }>();

  constructor(private readonly options: ExporterOptions) {
    const { slis } = options.measurements;
    const thresholds = slis.map((d) => options.slos[d.name]!.thresholdMs);
    const buckets = bucketsWith(thresholds);
    this.apiDuration = apiRequestDuration(this.registry, buckets);
    for (const def of slis) if (def.tag === undefined) this.sliFamilies.set(def, sliDuration(this.registry, def, buckets));
    this.rolloutDuration = rolloutDuration(this.registry, bucketsWith(thresholds, [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800]));
    this.events = eventsTotal(this.registry);
    const info = runInfo(this.registry);
    const { run } = options;
    info.set({ run_id: run.runId, release: run.release, profile: run.profile, engine: run.engine, clusters: String(run.clusters), protocol: run.protocol ?? '' }, 1);
    const objective = sloObjective(this.registry);
    for (const def of slis) objective.set({ sli: def.name, percentile: String(options.slos[def.name]!.percentile) }, options.slos[def.name]!.thresholdMs / 1000);
    this.liveGauges();
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'fleetload_runner_' });
  }

  /** Gauges computed at scrape time from the measurements, so they cost nothing between scrapes. */
  private liveGauges(): void {
    const { measurements, run, slos, progress, health } = this.options;
    if (health) {
      generatorHealth(this.registry, function collect() {
        const w = health();
        if (!w) return;
        this.set({ signal: 'engine_cpu_cores' }, w.engineCores);
        this.set({ signal: 'event_loop_delay_p99_seconds' }, w.eventLoopP99Ms / 1000);
        this.set({ signal: 'host_cpu_busy_ratio' }, w.hostBusy);
        this.set({ signal: 'dropped_iterations' }, w.droppedIterations);
      });
    }
    agentsByState(this.registry, function collect() {
      const c = measurements.counts;
      this.set({ state: 'requested' }, run.clusters);
      this.set({ state: 'registered' }, c.registered);
      this.set({ state: 'reregistered' }, c.reregistered);
      this.set({ state: 'failed' }, c.registrationFailed);
    });
    sloOk(this.registry, function collect() {
      this.reset();
      const fleet = progress();
      for (const def of measurements.slis) {
        const v = judge(def, slos[def.name]!, measurements.recorder(def.name), fleet);
        if (v.status !== 'no-data') this.set({ sli: def.name }, v.status === 'pass' ? 1 : 0);
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

  sli(def: SliDef, seconds: number, tags: SampleTags | null): void {
    const family = this.sliFamilies.get(def);
    if (!family) return;
    if (def.labels === undefined || def.labels.length === 0) {
      family.observe(seconds);
      return;
    }
    const labels: Record<string, string> = {};
    for (const l of def.labels) labels[l] = tags?.[l] ?? '';
    family.observe(labels, seconds);
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

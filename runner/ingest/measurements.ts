// Routes every sample of the stream (either engine) into the SLI recorders, the run's counters
// and the live observers. Which metric feeds which SLI comes from the SLI table; bounded memory:
// histograms and counters only, never the samples.
import { isPoint, type SampleLine, type SampleTags } from '../../engine/samples';
import { METRIC, SLIS, type SliDef, type SliTable, type SloSet } from '../../scenarios/lib/sli';
import type { TimelineWindow, WindowSli } from '../report/timeline-window';
import { SliRecorder, WindowRecorder } from '../verdict/sli-recorder';
import type { MeasurementObserver } from './observer';
import { OutageTracker } from './outages';

export interface RunCounts {
  registered: number;
  reregistered: number;
  registrationFailed: number;
  heartbeats: number;
  deploymentsReady: number;
  deploymentsFailed: number;
  backoffs: number;
  requests: number;
  requestsFailed: number;
  rolloutsCompleted: number;
  rolloutsIncomplete: number;
  /** k6's dropped_iterations: arrival-rate iterations the engine could not start in time. */
  droppedIterations: number;
  samples: number;
  /** Sample lines that could not be read (a broken JSON line, a point without a number). */
  malformed: number;
}

/** Every count at zero: a run before its first sample. */
export function emptyCounts(): RunCounts {
  return {
    registered: 0,
    reregistered: 0,
    registrationFailed: 0,
    heartbeats: 0,
    deploymentsReady: 0,
    deploymentsFailed: 0,
    backoffs: 0,
    requests: 0,
    requestsFailed: 0,
    rolloutsCompleted: 0,
    rolloutsIncomplete: 0,
    droppedIterations: 0,
    samples: 0,
    malformed: 0,
  };
}

const MAX_FAILURE_KEYS = 200;

interface Route {
  def: SliDef;
  rec: SliRecorder;
  window: WindowRecorder;
}
const HTTP = 'http_req_duration';

function codeClass(status: string | undefined): string {
  if (status === undefined || status === '' || status === '0') return 'error';
  return `${status[0]}xx`;
}

/** Counter metrics of the scenarios: which count each adds to, and the live event it is. */
const COUNTERS: ReadonlyMap<string, { count: keyof RunCounts; event?: Parameters<MeasurementObserver['event']>[0] }> = new Map([
  [METRIC.registered, { count: 'registered' }],
  [METRIC.reregistered, { count: 'reregistered' }],
  [METRIC.registrationFailed, { count: 'registrationFailed' }],
  [METRIC.heartbeats, { count: 'heartbeats', event: 'heartbeat' }],
  [METRIC.deploymentsReady, { count: 'deploymentsReady', event: 'deployment_ready' }],
  [METRIC.deploymentsFailed, { count: 'deploymentsFailed', event: 'deployment_failed' }],
  [METRIC.backoffs, { count: 'backoffs', event: 'backoff' }],
  [METRIC.rolloutsIncomplete, { count: 'rolloutsIncomplete', event: 'rollout_incomplete' }],
  ['dropped_iterations', { count: 'droppedIterations' }],
] as const);

export class Measurements {
  readonly slis: SliTable;
  private readonly recorders = new Map<string, SliRecorder>();
  /** API SLIs by the value of their `sli` tag on http_req_duration. */
  private readonly byTag = new Map<string, Route>();
  /** The other SLIs by the metric that feeds them. */
  private readonly byMetric = new Map<string, Route>();
  /** The timeline window in progress: each SLI's own recorder, and requests by URL template. */
  private readonly windows = new Map<string, WindowRecorder>();
  private windowEndpoints = new Map<string, { requests: number; failed: number }>();
  private windowRequests = 0;
  private windowFailed = 0;
  private readonly routed: ReadonlySet<string>;
  readonly counts: RunCounts = emptyCounts();
  /** Failed calls by `STATUS NAME` (URL template), so a report says what failed, not just how often. */
  readonly failures = new Map<string, number>();
  readonly outages = new OutageTracker();
  private readonly observers: MeasurementObserver[] = [];

  constructor(slos: SloSet, slis: SliTable = SLIS) {
    this.slis = slis;
    for (const def of slis) {
      const slo = slos[def.name];
      if (!slo) throw new Error(`no objective for SLI ${def.name}`);
      const rec = new SliRecorder(slo.thresholdMs, slo.percentile);
      const window = new WindowRecorder();
      this.recorders.set(def.name, rec);
      this.windows.set(def.name, window);
      if (def.tag !== undefined) this.byTag.set(def.tag, { def, rec, window });
      else this.byMetric.set(def.metric, { def, rec, window });
    }
    this.routed = new Set([HTTP, METRIC.rollout, METRIC.agentTransitions, ...COUNTERS.keys(), ...this.byMetric.keys()]);
  }

  recorder(sli: string): SliRecorder {
    const rec = this.recorders.get(sli);
    if (!rec) throw new Error(`unknown SLI ${sli}`);
    return rec;
  }

  /** Whether the ingest does anything with a metric; the others may be dropped before parsing. */
  readonly wants = (metric: string): boolean => this.routed.has(metric);

  observe(observer: MeasurementObserver): void {
    this.observers.push(observer);
  }

  /** Starts the warm-up clock of the SLIs it applies to (API latency, as clusterloader2 does). */
  startWarmup(slos: SloSet, runStartMs: number, warmupS: number): void {
    if (warmupS <= 0) return;
    for (const def of this.slis) if (slos[def.name]?.warmupApplies) this.recorder(def.name).setWarmupEnd(runStartMs + warmupS * 1000);
  }

  /** Ends the timeline window in progress: what happened in it, and a fresh one. */
  closeWindow(startS: number, endS: number): Omit<TimelineWindow, 'generator'> {
    const slis: Record<string, WindowSli> = {};
    for (const [name, w] of this.windows) {
      const taken = w.take();
      if (taken) slis[name] = taken;
    }
    const endpoints = Object.fromEntries(this.windowEndpoints);
    const out = {
      startS,
      endS,
      slis,
      requests: this.windowRequests,
      requestsFailed: this.windowFailed,
      endpoints,
      agents: { registered: this.counts.registered, reregistered: this.counts.reregistered, failed: this.counts.registrationFailed },
    };
    this.windowEndpoints = new Map();
    this.windowRequests = 0;
    this.windowFailed = 0;
    return out;
  }

  /** Lines the transport could not parse: counted with the rest, so the summary can say so. */
  addMalformed(n: number): void {
    this.counts.malformed += n;
  }

  ingest = (batch: readonly SampleLine[]): void => {
    for (const line of batch) {
      if (!isPoint(line)) continue;
      this.counts.samples++;
      const { value, tags } = line.data;
      if (typeof value !== 'number') {
        this.counts.malformed++;
        continue;
      }
      const metric = line.metric;
      if (metric === HTTP) {
        this.request(value, tags ?? {}, line.data.time);
        continue;
      }
      const sli = this.byMetric.get(metric);
      if (sli) {
        sli.rec.record(value, sli.rec.hasWarmup ? Date.parse(line.data.time) : 0);
        sli.window.record(value);
        for (const o of this.observers) o.sli(sli.def, value / 1000, tags);
        continue;
      }
      const counter = COUNTERS.get(metric);
      if (counter) {
        this.counts[counter.count] += value;
        if (counter.event) for (const o of this.observers) o.event(counter.event, value);
        continue;
      }
      if (metric === METRIC.rollout) {
        this.counts.rolloutsCompleted++;
        for (const o of this.observers) o.rollout(value / 1000);
      } else if (metric === METRIC.agentTransitions) {
        this.outages.transition(tags?.state, value, line.data.time);
      }
    }
  };

  private request(valueMs: number, tags: SampleTags, time: string): void {
    this.counts.requests++;
    this.windowRequests++;
    const status = tags.status;
    this.outages.request(status, time);
    const failed = status === undefined || status === '0' || Number(status) >= 400;
    const name = tags.name ?? tags.url ?? 'unknown';
    let endpoint = this.windowEndpoints.get(name);
    if (endpoint === undefined && this.windowEndpoints.size < MAX_FAILURE_KEYS) {
      endpoint = { requests: 0, failed: 0 };
      this.windowEndpoints.set(name, endpoint);
    }
    if (endpoint) endpoint.requests++;
    if (failed) {
      this.counts.requestsFailed++;
      this.windowFailed++;
      if (endpoint) endpoint.failed++;
      const key = `${status ?? '0'} ${name}`;
      // Bounded: names are URL templates, but a target could answer with any status.
      if (this.failures.has(key) || this.failures.size < MAX_FAILURE_KEYS) this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    }
    const sli = tags.sli === undefined ? undefined : this.byTag.get(tags.sli);
    // Every answered call counts, whatever its code, as apiserver_request_duration_seconds
    // does; a call with no answer (status 0: refused, reset, timed out) has no server latency
    // and shows up in requestsFailed instead.
    if (sli !== undefined && status !== undefined && status !== '0') {
      // Parsing the timestamp is the costliest step of a sample: only a warm-up needs it.
      sli.rec.record(valueMs, sli.rec.hasWarmup ? Date.parse(time) : 0);
      sli.window.record(valueMs);
    }
    const labels = { verb: tags.verb ?? tags.method ?? 'unknown', resource: tags.resource ?? 'unknown', scope: tags.scope ?? 'unknown', code_class: codeClass(status) };
    for (const o of this.observers) {
      o.api(labels, valueMs / 1000);
      o.event('request', 1);
      if (failed) o.event('request_failed', 1);
    }
  }
}

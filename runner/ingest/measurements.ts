// Routes every sample of the stream (either engine) into the SLI recorders, the run's counters
// and the live observers. Bounded memory: histograms and counters only, never the samples.
import type { SloSpec } from '../../k6.config';
import { isPoint, type SampleLine, type SampleTags } from '../../engine/samples';
import type { ApiSliTag, SliName } from '../../scenarios/lib/plan';
import { API_SLI_BY_TAG, METRIC } from '../../scenarios/lib/sli';
import { SliRecorder } from '../verdict/sli-recorder';
import type { MeasurementObserver } from './observer';
import { OutageTracker } from './outages';

export const SLI_NAMES: readonly SliName[] = ['api-mutating', 'api-read-resource', 'api-read-namespace', 'api-read-cluster', 'registration', 'distribution'];

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
  samples: number;
  malformed: number;
}

const MAX_FAILURE_KEYS = 200;

function codeClass(status: string | undefined): string {
  if (status === undefined || status === '' || status === '0') return 'error';
  return `${status[0]}xx`;
}

const ROUTED = new Set<string>(['http_req_duration', ...Object.values(METRIC)]);

/** Whether the ingest does anything with a metric; the others may be dropped before parsing. */
export function isRouted(metric: string): boolean {
  return ROUTED.has(metric);
}

export class Measurements {
  readonly recorders: Record<SliName, SliRecorder>;
  readonly counts: RunCounts = {
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
    samples: 0,
    malformed: 0,
  };
  /** Failed calls by `STATUS NAME` (URL template), so a report says what failed, not just how often. */
  readonly failures = new Map<string, number>();
  readonly outages = new OutageTracker();
  private readonly observers: MeasurementObserver[] = [];

  constructor(slos: Readonly<Record<SliName, SloSpec>>) {
    const rec = {} as Record<SliName, SliRecorder>;
    for (const sli of SLI_NAMES) rec[sli] = new SliRecorder(slos[sli].thresholdMs, slos[sli].percentile);
    this.recorders = rec;
  }

  observe(observer: MeasurementObserver): void {
    this.observers.push(observer);
  }

  /** Starts the warm-up clock of the SLIs it applies to (API latency, as clusterloader2 does). */
  startWarmup(slos: Readonly<Record<SliName, SloSpec>>, runStartMs: number, warmupS: number): void {
    for (const sli of SLI_NAMES) if (slos[sli].warmupApplies && warmupS > 0) this.recorders[sli].setWarmupEnd(runStartMs + warmupS * 1000);
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
      switch (line.metric) {
        case 'http_req_duration':
          this.request(value, tags ?? {}, line.data.time);
          break;
        case METRIC.registration:
          this.recorders.registration.record(value, 0);
          for (const o of this.observers) o.registration(tags?.kind ?? 'initial', value / 1000);
          break;
        case METRIC.distribution:
          this.recorders.distribution.record(value, 0);
          for (const o of this.observers) o.distribution(value / 1000);
          break;
        case METRIC.rollout:
          this.counts.rolloutsCompleted++;
          for (const o of this.observers) o.rollout(value / 1000);
          break;
        case METRIC.registered:
          this.counts.registered += value;
          break;
        case METRIC.reregistered:
          this.counts.reregistered += value;
          break;
        case METRIC.registrationFailed:
          this.counts.registrationFailed += value;
          break;
        case METRIC.heartbeats:
          this.counts.heartbeats += value;
          for (const o of this.observers) o.event('heartbeat', value);
          break;
        case METRIC.deploymentsReady:
          this.counts.deploymentsReady += value;
          for (const o of this.observers) o.event('deployment_ready', value);
          break;
        case METRIC.deploymentsFailed:
          this.counts.deploymentsFailed += value;
          for (const o of this.observers) o.event('deployment_failed', value);
          break;
        case METRIC.backoffs:
          this.counts.backoffs += value;
          for (const o of this.observers) o.event('backoff', value);
          break;
        case METRIC.agentTransitions:
          this.outages.transition(tags?.state, value, line.data.time);
          break;
        case METRIC.rolloutsIncomplete:
          this.counts.rolloutsIncomplete += value;
          for (const o of this.observers) o.event('rollout_incomplete', value);
          break;
        default:
          break;
      }
    }
  };

  private request(valueMs: number, tags: SampleTags, time: string): void {
    this.counts.requests++;
    const status = tags.status;
    this.outages.request(status, time);
    const failed = status === undefined || status === '0' || Number(status) >= 400;
    if (failed) {
      this.counts.requestsFailed++;
      const key = `${status ?? '0'} ${tags.name ?? tags.url ?? 'unknown'}`;
      // Bounded: names are URL templates, but a target could answer with any status.
      if (this.failures.has(key) || this.failures.size < MAX_FAILURE_KEYS) this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    }
    const sli = API_SLI_BY_TAG[(tags.sli ?? 'none') as ApiSliTag];
    // Every answered call counts, whatever its code, as apiserver_request_duration_seconds
    // does; a call with no answer (status 0: refused, reset, timed out) has no server latency
    // and shows up in requestsFailed instead.
    if (sli !== undefined && status !== undefined && status !== '0') {
      const recorder = this.recorders[sli];
      // Parsing the timestamp is the costliest step of a sample: only a warm-up needs it.
      recorder.record(valueMs, recorder.hasWarmup ? Date.parse(time) : 0);
    }
    const labels = { verb: tags.verb ?? tags.method ?? 'unknown', resource: tags.resource ?? 'unknown', scope: tags.scope ?? 'unknown', code_class: codeClass(status) };
    for (const o of this.observers) {
      o.api(labels, valueMs / 1000);
      o.event('request', 1);
      if (failed) o.event('request_failed', 1);
    }
  }
}

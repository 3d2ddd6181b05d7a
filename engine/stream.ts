// The main thread's view of the sample stream: column batches from every instance (same thread
// or workers) are merged into one stream, each metric declared once with its thresholds and
// submetrics, folded into the aggregator, and handed to the caller's sink as k6 JSON objects:
// only for the metrics the caller wants, since building objects nobody reads was most of the
// stream's cost.
import { EXPECTED_SUBMETRIC, type Aggregator } from './aggregate';
import { metricLine, type MetricInfo, type SampleColumns } from './metrics';
import type { MetricLine, PointLine, SampleLine, SampleSink } from './samples';
import type { ThresholdSet } from './thresholds';
import { formatTime } from './time';

interface MetricState {
  /** Whether the caller's sink gets this metric's lines (its declaration, then its points). */
  wanted: boolean;
  /** Whether the aggregator knows the metric (it is configured after the init context). */
  aggregated: boolean;
}

export class SampleMerger {
  private readonly states = new Map<string, MetricState>();
  private thresholds: readonly ThresholdSet[] = [];
  private aggregator: Aggregator | undefined;

  private sinkFailed = false;

  constructor(
    private readonly sink: SampleSink,
    private readonly log: (level: 'error', line: string) => void = () => undefined,
    private readonly wanted: (metric: string) => boolean = () => true,
  ) {}

  configure(thresholds: readonly ThresholdSet[], aggregator: Aggregator): void {
    this.thresholds = thresholds;
    this.aggregator = aggregator;
  }

  pushColumns(batch: SampleColumns): void {
    const { length, metrics, values, times, tags } = batch;
    const agg = this.aggregator;
    const out: SampleLine[] = [];
    let last: MetricInfo | undefined;
    let state: MetricState | undefined;
    for (let i = 0; i < length; i++) {
      const info = metrics[i] as MetricInfo;
      if (info !== last) {
        last = info;
        state = this.states.get(info.name);
        if (state === undefined) {
          state = { wanted: this.wanted(info.name), aggregated: false };
          this.states.set(info.name, state);
          // The declaration goes before the metric's first point, as in k6's JSON output.
          if (state.wanted) out.push(this.enrich(metricLine(info)));
        }
        if (!state.aggregated && agg !== undefined) {
          state.aggregated = true;
          agg.declare(info.name, info.type, info.contains);
        }
      }
      const value = values[i] as number;
      const t = tags[i] as PointLine['data']['tags'];
      agg?.add(info.name, value, t);
      if ((state as MetricState).wanted) {
        const line: PointLine = { metric: info.name, type: 'Point', data: { time: formatTime(times[i] as number), value, tags: t } };
        out.push(line);
      }
    }
    if (out.length === 0) return;
    try {
      this.sink(out);
    } catch (err) {
      // The caller's sink runs on the engine's timers; a throw there must not kill the run.
      if (!this.sinkFailed) this.log('error', `onSamples threw (further errors not shown): ${err instanceof Error ? err.message : String(err)}`);
      this.sinkFailed = true;
    }
  }

  private enrich(line: MetricLine): MetricLine {
    const own = this.thresholds.filter((t) => t.metric === line.metric);
    const isHttpDuration = line.metric === 'http_req_duration';
    if (own.length === 0 && !isHttpDuration) return line;
    const direct = own.filter((t) => t.tags === null).flatMap((t) => t.thresholds.map((x) => x.source));
    const subs = own
      .filter((t) => t.tags !== null)
      .map((t) => ({ name: t.key, suffix: Object.entries(t.tags ?? {}).map(([k, v]) => `${k}:${v}`).join(','), tags: t.tags }));
    // k6 declares this submetric on every run with HTTP requests.
    if (isHttpDuration && !subs.some((s) => s.name === EXPECTED_SUBMETRIC)) subs.push({ name: EXPECTED_SUBMETRIC, suffix: 'expected_response:true', tags: { expected_response: 'true' } });
    return { ...line, data: { ...line.data, thresholds: direct, submetrics: subs.length > 0 ? subs : null } };
  }
}

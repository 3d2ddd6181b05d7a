// The main thread's view of the sample stream: batches from every instance (same thread or
// workers) are merged into one, each metric declared once with its thresholds and submetrics,
// folded into the aggregator, and handed to the caller's sink.
import { EXPECTED_SUBMETRIC, type Aggregator } from './aggregate';
import type { MetricLine, SampleLine, SampleSink } from './samples';
import type { ThresholdSet } from './thresholds';

export class SampleMerger {
  private readonly declared = new Set<string>();
  private thresholds: readonly ThresholdSet[] = [];
  private aggregator: Aggregator | undefined;

  private sinkFailed = false;

  constructor(
    private readonly sink: SampleSink,
    private readonly log: (level: 'error', line: string) => void = () => undefined,
  ) {}

  configure(thresholds: readonly ThresholdSet[], aggregator: Aggregator): void {
    this.thresholds = thresholds;
    this.aggregator = aggregator;
  }

  push(batch: readonly SampleLine[]): void {
    let out: SampleLine[] | undefined;
    for (let i = 0; i < batch.length; i++) {
      const line = batch[i] as SampleLine;
      if (line.type !== 'Metric') continue;
      // Only the first declaration of a metric survives; later ones (other workers) are dropped.
      out ??= batch.slice(0, i);
      if (!this.declared.has(line.metric)) {
        this.declared.add(line.metric);
        out.push(this.enrich(line));
      }
      for (let j = i + 1; j < batch.length; j++) {
        const next = batch[j] as SampleLine;
        if (next.type !== 'Metric') out.push(next);
        else if (!this.declared.has(next.metric)) {
          this.declared.add(next.metric);
          out.push(this.enrich(next));
        }
      }
      break;
    }
    const merged = out ?? batch;
    if (merged.length === 0) return;
    this.aggregator?.ingest(merged);
    try {
      this.sink(merged);
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

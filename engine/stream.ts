// The main thread's view of the sample stream: batches from every instance (same thread or
// workers) are merged into one, each metric declared once with its thresholds and submetrics,
// folded into the aggregator, and handed to the caller's sink.
import type { Aggregator } from './aggregate';
import type { MetricLine, SampleLine, SampleSink } from './samples';
import type { ThresholdSet } from './thresholds';

export class SampleMerger {
  private readonly declared = new Set<string>();
  private thresholds: readonly ThresholdSet[] = [];
  private aggregator: Aggregator | undefined;

  constructor(private readonly sink: SampleSink) {}

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
    this.sink(merged);
  }

  private enrich(line: MetricLine): MetricLine {
    const own = this.thresholds.filter((t) => t.metric === line.metric);
    if (own.length === 0) return line;
    const direct = own.filter((t) => t.tags === null).flatMap((t) => t.thresholds.map((x) => x.source));
    const subs = own
      .filter((t) => t.tags !== null)
      .map((t) => ({ name: t.key, suffix: Object.entries(t.tags ?? {}).map(([k, v]) => `${k}:${v}`).join(','), tags: t.tags }));
    return { ...line, data: { ...line.data, thresholds: direct, submetrics: subs.length > 0 ? subs : null } };
  }
}

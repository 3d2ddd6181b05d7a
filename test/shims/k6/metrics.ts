// k6/metrics for Node unit tests of the scenarios (mapped by the alias in vitest.config.ts):
// every metric records what was added to it, so a test can assert on names, values and tags.

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface MetricSample {
  /** The metric object added to (compare with the instances the scenario code exports). */
  metric: object;
  name: string;
  type: MetricType;
  value: number;
  tags: Record<string, string>;
}

/** Every sample added to any metric since the last resetMetricSamples(), in order. */
export const metricSamples: MetricSample[] = [];

export function resetMetricSamples(): void {
  metricSamples.length = 0;
}

/** The samples added to one metric object. */
export function samplesOf(metric: object): MetricSample[] {
  return metricSamples.filter((s) => s.metric === metric);
}

/** The sum of the values added to one metric object, optionally only the samples with these tags. */
export function sumOf(metric: object, tags: Record<string, string> = {}): number {
  return samplesOf(metric)
    .filter((s) => Object.entries(tags).every(([k, v]) => s.tags[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

abstract class Metric {
  abstract readonly type: MetricType;

  constructor(
    readonly name: string,
    readonly isTime = false,
  ) {}

  add(value: number | boolean, tags?: Record<string, string>): void {
    metricSamples.push({ metric: this, name: this.name, type: this.type, value: Number(value), tags: { ...tags } });
  }
}

export class Counter extends Metric {
  readonly type = 'counter';
}

export class Gauge extends Metric {
  readonly type = 'gauge';
}

export class Rate extends Metric {
  readonly type = 'rate';
}

export class Trend extends Metric {
  readonly type = 'trend';
}

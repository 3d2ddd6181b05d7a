// Folds the merged sample stream into per-metric sinks (and the tag-filtered submetrics that
// thresholds name), the way k6's metrics engine does, for thresholds and the end-of-test summary.
import { createHash } from 'node:crypto';
import type { MetricType, SampleLine, SampleTags, ValueType } from './samples';
import type { ThresholdSet } from './thresholds';

export const EXPECTED_SUBMETRIC = 'http_req_duration{expected_response:true}';

export interface Sink {
  add(v: number): void;
  /** k6's summary values for this sink; `durationSec` is the test run time. */
  values(durationSec: number, trendStats: readonly string[]): Record<string, number>;
  /** The value one threshold aggregation method reads. */
  read(aggregation: string, percentile: number | undefined, durationSec: number): number;
}

class CounterSink implements Sink {
  count = 0;
  add(v: number): void {
    this.count += v;
  }
  values(d: number): Record<string, number> {
    return { count: this.count, rate: d > 0 ? this.count / d : 0 };
  }
  read(agg: string, _p: number | undefined, d: number): number {
    return agg === 'rate' ? (d > 0 ? this.count / d : 0) : this.count;
  }
}

class GaugeSink implements Sink {
  value = 0;
  min = Infinity;
  max = -Infinity;
  add(v: number): void {
    this.value = v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  values(): Record<string, number> {
    return { value: this.value, min: this.min === Infinity ? 0 : this.min, max: this.max === -Infinity ? 0 : this.max };
  }
  read(): number {
    return this.value;
  }
}

class RateSink implements Sink {
  passes = 0;
  total = 0;
  add(v: number): void {
    this.total++;
    if (v !== 0) this.passes++;
  }
  get rate(): number {
    return this.total === 0 ? 0 : this.passes / this.total;
  }
  values(): Record<string, number> {
    return { rate: this.rate, passes: this.passes, fails: this.total - this.passes };
  }
  read(): number {
    return this.rate;
  }
}

/** Values per storage chunk of a trend, at most: growing never copies what is stored. */
const CHUNK = 8192;

/**
 * All values of a trend, as k6 keeps them for exact percentiles, but stored so that a long run
 * does not pay twice: in fixed chunks (a doubling array holds up to twice its values, three
 * times while it grows), and with exact zeros only counted (http_req_tls_handshaking and
 * http_req_sending are all zeros, http_req_connecting nearly so).
 */
export class TrendSink implements Sink {
  /** Full chunks, and after a percentile read, the sorted values as the first one. */
  private chunks: Float64Array[] = [];
  private cur = new Float64Array(64);
  private curLen = 0;
  private zeros = 0;
  /** The sorted non-zero values, valid while nothing was added since (`chunks` is then just it). */
  private sorted: Float64Array | null = null;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(v: number): void {
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v === 0) {
      this.zeros++;
      return;
    }
    if (this.curLen === this.cur.length) {
      if (this.cur.length < CHUNK) {
        const next = new Float64Array(this.cur.length * 4);
        next.set(this.cur);
        this.cur = next;
      } else {
        this.chunks.push(this.cur);
        this.cur = new Float64Array(CHUNK);
        this.curLen = 0;
      }
    }
    this.cur[this.curLen++] = v;
    this.sorted = null;
  }

  /** The non-zero values in order, stored as the one chunk from then on. */
  private sortedValues(): Float64Array {
    if (this.sorted === null) {
      let n = this.curLen;
      for (const c of this.chunks) n += c.length;
      const all = new Float64Array(n);
      let at = 0;
      for (const c of this.chunks) {
        all.set(c, at);
        at += c.length;
      }
      all.set(this.cur.subarray(0, this.curLen), at);
      all.sort();
      this.chunks = [all];
      this.cur = new Float64Array(64);
      this.curLen = 0;
      this.sorted = all;
    }
    return this.sorted;
  }

  /** The i-th smallest value, the counted zeros in their place. */
  private at(i: number, sorted: Float64Array, negatives: number): number {
    if (i < negatives) return sorted[i] as number;
    if (i < negatives + this.zeros) return 0;
    return sorted[i - this.zeros] as number;
  }

  /** k6's TrendSink.P: linear interpolation between the closest ranks. */
  percentile(pct: number): number {
    if (this.count === 0) return 0;
    const sorted = this.sortedValues();
    let negatives = 0;
    if (this.zeros > 0) {
      // Where the zeros go: after the negative values (a binary search in the sorted rest).
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] as number) < 0) lo = mid + 1;
        else hi = mid;
      }
      negatives = lo;
    }
    if (this.count === 1) return this.at(0, sorted, negatives);
    const i = pct * (this.count - 1);
    const lo = this.at(Math.floor(i), sorted, negatives);
    const hi = this.at(Math.ceil(i), sorted, negatives);
    return lo + (hi - lo) * (i - Math.floor(i));
  }

  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  stat(name: string): number {
    switch (name) {
      case 'avg':
        return this.avg;
      case 'min':
        return this.count === 0 ? 0 : this.min;
      case 'max':
        return this.count === 0 ? 0 : this.max;
      case 'med':
        return this.percentile(0.5);
      case 'count':
        return this.count;
      default: {
        const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
        return m === null ? NaN : this.percentile(Number(m[1]) / 100);
      }
    }
  }

  values(_d: number, stats: readonly string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of stats) out[s] = this.stat(s);
    return out;
  }

  read(agg: string, p: number | undefined): number {
    return agg === 'p' ? this.percentile((p ?? 0) / 100) : this.stat(agg);
  }
}

export function newSink(type: MetricType): Sink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink();
  }
}

export interface AggregatedMetric {
  name: string;
  type: MetricType;
  contains: ValueType;
  sink: Sink;
}

interface Submetric {
  key: string;
  parent: string;
  tags: Record<string, string>;
  metric: AggregatedMetric;
}

export interface CheckTally {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface GroupNode {
  name: string;
  path: string;
  id: string;
  groups: GroupNode[];
  checks: CheckTally[];
}

function groupId(path: string): string {
  return createHash('md5').update(path).digest('hex');
}

export class Aggregator {
  readonly metrics = new Map<string, AggregatedMetric>();
  private readonly subs = new Map<string, Submetric[]>();
  readonly root: GroupNode = { name: '', path: '', id: groupId(''), groups: [], checks: [] };
  private readonly groups = new Map<string, GroupNode>([['', this.root]]);
  private readonly checkIndex = new Map<string, CheckTally>();

  constructor(thresholds: readonly ThresholdSet[]) {
    for (const t of thresholds) {
      if (t.tags === null) continue;
      const list = this.subs.get(t.metric) ?? [];
      list.push({ key: t.key, parent: t.metric, tags: t.tags, metric: undefined as unknown as AggregatedMetric });
      this.subs.set(t.metric, list);
    }
    // k6 always tracks this submetric for its summary and handleSummary data.
    const http = this.subs.get('http_req_duration') ?? [];
    if (!http.some((s) => s.key === EXPECTED_SUBMETRIC)) {
      http.push({ key: EXPECTED_SUBMETRIC, parent: 'http_req_duration', tags: { expected_response: 'true' }, metric: undefined as unknown as AggregatedMetric });
      this.subs.set('http_req_duration', http);
    }
  }

  private metricFor(name: string, type: MetricType, contains: ValueType): AggregatedMetric {
    let m = this.metrics.get(name);
    if (m === undefined) {
      m = { name, type, contains, sink: newSink(type) };
      this.metrics.set(name, m);
      for (const sub of this.subs.get(name) ?? []) sub.metric = { name: sub.key, type, contains, sink: newSink(type) };
    }
    return m;
  }

  private group(path: string): GroupNode {
    let g = this.groups.get(path);
    if (g === undefined) {
      const cut = path.lastIndexOf('::');
      const parent = this.group(cut <= 0 ? '' : path.slice(0, cut));
      g = { name: path.slice(cut + 2), path, id: groupId(path), groups: [], checks: [] };
      parent.groups.push(g);
      this.groups.set(path, g);
    }
    return g;
  }

  ingest(batch: readonly SampleLine[]): void {
    for (const line of batch) {
      if (line.type === 'Metric') this.declare(line.metric, line.data.type, line.data.contains);
      else this.add(line.metric, line.data.value, line.data.tags);
    }
  }

  /** A metric's declaration: its sinks exist from then on, and its points count. */
  declare(name: string, type: MetricType, contains: ValueType): void {
    this.metricFor(name, type, contains);
  }

  /** One point of a declared metric (points of undeclared metrics are ignored). */
  add(metric: string, value: number, tags: SampleTags | null): void {
    const m = this.metrics.get(metric);
    if (m === undefined) return;
    m.sink.add(value);
    const subs = this.subs.get(metric);
    if (subs !== undefined) {
      for (const s of subs) if (matches(tags, s.tags)) s.metric.sink.add(value);
    }
    if (metric === 'checks') this.tallyCheck(tags, value);
  }

  private tallyCheck(tags: SampleTags | null, v: number): void {
    const name = tags?.check ?? '';
    const groupPath = tags?.group ?? '';
    const key = `${groupPath}::${name}`;
    let c = this.checkIndex.get(key);
    if (c === undefined) {
      c = { name, path: key, id: groupId(key), passes: 0, fails: 0 };
      this.checkIndex.set(key, c);
      this.group(groupPath).checks.push(c);
    }
    if (v !== 0) c.passes++;
    else c.fails++;
  }

  /** The metric or submetric a threshold key names (creating an empty one if never sampled). */
  lookup(key: string, metric: string, type: MetricType, contains: ValueType): AggregatedMetric {
    const parent = this.metricFor(metric, type, contains);
    if (key === metric) return parent;
    const sub = (this.subs.get(metric) ?? []).find((s) => s.key === key);
    return sub?.metric ?? parent;
  }

  submetricsOf(metric: string): Array<{ key: string; tags: Record<string, string>; metric: AggregatedMetric }> {
    return (this.subs.get(metric) ?? []).filter((s) => s.metric !== undefined);
  }
}

function matches(tags: SampleTags | null, filter: Record<string, string>): boolean {
  if (tags === null) return false;
  for (const k in filter) if (tags[k] !== filter[k]) return false;
  return true;
}

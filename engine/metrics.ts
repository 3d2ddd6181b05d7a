// Metric registry and the batched sample stream of one engine instance (main thread or worker).
// Declarations are emitted before a metric's first point, as k6's JSON output does.
import type { MetricLine, MetricType, PointLine, SampleLine, SampleSink, SampleTags, ValueType } from './samples';

export interface MetricInfo {
  name: string;
  type: MetricType;
  contains: ValueType;
  declared: boolean;
}

const BUILTINS: ReadonlyArray<[string, MetricType, ValueType]> = [
  ['vus', 'gauge', 'default'],
  ['vus_max', 'gauge', 'default'],
  ['iterations', 'counter', 'default'],
  ['iteration_duration', 'trend', 'time'],
  ['dropped_iterations', 'counter', 'default'],
  ['data_received', 'counter', 'data'],
  ['data_sent', 'counter', 'data'],
  ['checks', 'rate', 'default'],
  ['group_duration', 'trend', 'time'],
  ['http_reqs', 'counter', 'default'],
  ['http_req_duration', 'trend', 'time'],
  ['http_req_blocked', 'trend', 'time'],
  ['http_req_connecting', 'trend', 'time'],
  ['http_req_tls_handshaking', 'trend', 'time'],
  ['http_req_sending', 'trend', 'time'],
  ['http_req_waiting', 'trend', 'time'],
  ['http_req_receiving', 'trend', 'time'],
  ['http_req_failed', 'rate', 'default'],
];


const NAME_RE = /^[\p{L}\p{N}\._ !\?/&#\(\)<>%-]{1,128}$/u;

export class MetricRegistry {
  private readonly metrics = new Map<string, MetricInfo>();

  constructor() {
    for (const [name, type, contains] of BUILTINS) this.metrics.set(name, { name, type, contains, declared: false });
  }

  get(name: string): MetricInfo | undefined {
    return this.metrics.get(name);
  }

  /** Same name and type returns the existing metric, as k6 does for every VU's `new Trend(...)`. */
  register(name: string, type: MetricType, contains: ValueType): MetricInfo {
    if (typeof name !== 'string' || !NAME_RE.test(name)) {
      throw new Error(`Invalid metric name: '${String(name)}'. Metric names must only include up to 128 ASCII letters, numbers, or underscores and start with a letter or an underscore.`);
    }
    const existing = this.metrics.get(name);
    if (existing !== undefined) {
      if (existing.type !== type || existing.contains !== contains) {
        throw new Error(`metric '${name}' already exists but with type ${existing.type}, instead of ${type}`);
      }
      return existing;
    }
    const info: MetricInfo = { name, type, contains, declared: false };
    this.metrics.set(name, info);
    return info;
  }

  all(): MetricInfo[] {
    return [...this.metrics.values()];
  }
}

export function metricLine(m: { name: string; type: MetricType; contains: ValueType }): MetricLine {
  // Key order as k6 writes them, so serialized lines match k6's byte for byte in layout.
  return { type: 'Metric', data: { name: m.name, type: m.type, contains: m.contains, thresholds: [], submetrics: null }, metric: m.name };
}

/** Buffers sample lines and hands them on in batches: on a timer and whenever the batch is full. */
export class SampleEmitter {
  private buf: SampleLine[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sink: SampleSink,
    readonly registry: MetricRegistry = new MetricRegistry(),
    flushMs = 100,
    private readonly maxBatch = 2000,
  ) {
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  push(metric: MetricInfo, value: number, tags: SampleTags, time: string): void {
    if (!metric.declared) {
      metric.declared = true;
      this.buf.push(metricLine(metric));
    }
    const line: PointLine = { metric: metric.name, type: 'Point', data: { time, value, tags } };
    this.buf.push(line);
    if (this.buf.length >= this.maxBatch) this.flush();
  }

  /** Several points with one tag set and time (an HTTP request's timings). */
  pushMany(metrics: readonly MetricInfo[], values: readonly number[], tags: SampleTags, time: string): void {
    for (let i = 0; i < metrics.length; i++) this.push(metrics[i] as MetricInfo, values[i] as number, tags, time);
  }

  flush(): void {
    if (this.buf.length === 0) return;
    const batch = this.buf;
    this.buf = [];
    this.sink(batch);
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

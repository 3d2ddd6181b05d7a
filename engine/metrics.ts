// Metric registry and the batched sample stream of one engine instance (main thread or worker).
// Declarations are emitted before a metric's first point, as k6's JSON output does.
import type { MetricLine, MetricType, SampleTags, ValueType } from './samples';

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

/**
 * A batch of points as columns: the emitter's buffers, lent to the sink for the length of one
 * call (the sink copies what it keeps). Points are not objects until someone asks for them: the
 * aggregator reads the columns, and only the metrics a consumer wants become k6 JSON objects.
 */
export interface SampleColumns {
  length: number;
  metrics: readonly MetricInfo[];
  values: Float64Array;
  /** Epoch milliseconds, sub-millisecond precision. */
  times: Float64Array;
  tags: readonly SampleTags[];
}

export type ColumnSink = (batch: SampleColumns) => void;

/** Buffers points in columns and hands them on in batches: on a timer and whenever full. */
export class SampleEmitter {
  // Fixed-size columns, reused batch after batch: after a flush they still point at the last
  // batch's metrics and tag sets (shared objects, at most maxBatch references) until overwritten.
  private readonly metrics: MetricInfo[];
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private readonly tags: SampleTags[];
  private n = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sink: ColumnSink,
    readonly registry: MetricRegistry = new MetricRegistry(),
    flushMs = 100,
    private readonly maxBatch = 2000,
  ) {
    this.values = new Float64Array(maxBatch);
    this.times = new Float64Array(maxBatch);
    this.metrics = new Array<MetricInfo>(maxBatch);
    this.tags = new Array<SampleTags>(maxBatch);
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  /** One point; `time` in epoch ms. `tags` is shared, never copied: it must not change later. */
  push(metric: MetricInfo, value: number, tags: SampleTags, time: number): void {
    const i = this.n++;
    this.metrics[i] = metric;
    this.values[i] = value;
    this.times[i] = time;
    this.tags[i] = tags;
    if (this.n === this.maxBatch) this.flush();
  }

  flush(): void {
    const length = this.n;
    if (length === 0) return;
    this.n = 0;
    this.sink({ length, metrics: this.metrics, values: this.values, times: this.times, tags: this.tags });
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

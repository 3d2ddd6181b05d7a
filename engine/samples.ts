// The sample stream is the seam between the load engines and the runner: real k6 writes it with
// `--out json=FILE`, the embedded engine produces the very same objects. Keep this file in step
// with k6's output/json format (one object a line).

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type ValueType = 'default' | 'time' | 'data';

export type SampleTags = Record<string, string>;

/** `{"type":"Metric",...}`: declared once per metric, before its first point. */
export interface MetricLine {
  type: 'Metric';
  metric: string;
  data: {
    name: string;
    type: MetricType;
    contains: ValueType;
    thresholds: string[];
    submetrics: null | unknown[];
  };
}

/** `{"type":"Point",...}`: one sample. `time` is RFC 3339 with the local offset, as k6 writes it. */
export interface PointLine {
  type: 'Point';
  metric: string;
  data: {
    time: string;
    value: number;
    tags: SampleTags | null;
    metadata?: Record<string, string>;
  };
}

export type SampleLine = MetricLine | PointLine;

export function isPoint(line: SampleLine): line is PointLine {
  return line.type === 'Point';
}

/** Receives the stream; both engines call it in batches to keep per-sample overhead low. */
export type SampleSink = (batch: readonly SampleLine[]) => void;

/** Parses one JSON line; returns undefined for blank lines and throws on anything else malformed. */
export function parseSampleLine(text: string): SampleLine | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const parsed: unknown = JSON.parse(trimmed);
  if (typeof parsed !== 'object' || parsed === null) {
    throw new Error(`sample line is not a JSON object: ${trimmed.slice(0, 80)}`);
  }
  const line = parsed as Partial<SampleLine>;
  if ((line.type !== 'Point' && line.type !== 'Metric') || typeof line.metric !== 'string') {
    throw new Error(`sample line has no k6 type/metric: ${trimmed.slice(0, 80)}`);
  }
  return line as SampleLine;
}

export function formatSampleLine(line: SampleLine): string {
  return JSON.stringify(line);
}

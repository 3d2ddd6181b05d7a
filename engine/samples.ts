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

/**
 * Go's encoding/json escapes these in strings (HTML-safe output); JSON.stringify does not. k6
 * marshals tag sets with it, the envelope (metric names, thresholds) without: k6 v1.8 writes
 * `"url":"…?a=1\u0026b=2"` in tags but `"thresholds":["p(95)<500"]`.
 */
const GO_ESCAPES = /[<>&\u2028\u2029]/g;
const HAS_GO_ESCAPE = /[<>&\u2028\u2029]/;

function goString(text: string): string {
  const json = JSON.stringify(text);
  return HAS_GO_ESCAPE.test(json) ? json.replace(GO_ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/** Go marshals maps with their keys sorted, as k6 writes tags and metadata (`escape`: as tag sets). */
function goMap(map: Readonly<Record<string, string>>, escape = true): string {
  const str = escape ? goString : JSON.stringify;
  let out = '{';
  for (const k of Object.keys(map).sort()) out += `${out.length > 1 ? ',' : ''}${str(k)}:${str(map[k] as string)}`;
  return `${out}}`;
}

/** Tag sets are shared by many points: each is serialised once. */
const tagJson = new WeakMap<object, string>();

function tagsText(tags: Readonly<SampleTags> | null): string {
  if (tags === null) return 'null';
  let text = tagJson.get(tags);
  if (text === undefined) {
    text = goMap(tags);
    tagJson.set(tags, text);
  }
  return text;
}

/** A number as Go's encoding/json writes a float64 (which, for finite values, JSON.stringify matches). */
function goNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/** One line exactly as k6's `--out json` writes it: field order, sorted tags, Go's escaping. */
export function formatSampleLine(line: SampleLine): string {
  if (line.type === 'Point') {
    const d = line.data;
    const meta = d.metadata === undefined || Object.keys(d.metadata).length === 0 ? '' : `,"metadata":${goMap(d.metadata)}`;
    return `{"metric":${JSON.stringify(line.metric)},"type":"Point","data":{"time":"${d.time}","value":${goNumber(d.value)},"tags":${tagsText(d.tags)}${meta}}}`;
  }
  const d = line.data;
  const subs =
    d.submetrics === null
      ? 'null'
      : `[${d.submetrics
          .map((sub) => {
            const s = sub as { name: string; suffix: string; tags: Record<string, string> | null };
            return `{"name":${JSON.stringify(s.name)},"suffix":${JSON.stringify(s.suffix)},"tags":${s.tags === null ? 'null' : goMap(s.tags, false)}}`;
          })
          .join(',')}]`;
  return `{"type":"Metric","data":{"name":${JSON.stringify(d.name)},"type":"${d.type}","contains":"${d.contains}","thresholds":[${d.thresholds.map((t) => JSON.stringify(t)).join(',')}],"submetrics":${subs}},"metric":${JSON.stringify(line.metric)}}`;
}

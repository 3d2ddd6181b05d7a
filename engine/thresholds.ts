// k6 threshold expressions ("p(99)<1000", "rate>0.95", "count<10") on metrics and on tag-filtered
// submetrics ("http_req_duration{status:200}"): parsing, validation against metric types, verdicts.
import { K6OptionsError } from './errors';
import type { ThresholdSpec } from './options';
import type { MetricType } from './samples';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdExpr {
  source: string;
  /** avg, min, max, med, count, rate, value, or p(N). */
  aggregation: string;
  percentile: number | undefined;
  op: Operator;
  value: number;
}

const EXPR = /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$/;

export function parseThresholdExpression(source: string): ThresholdExpr {
  const m = EXPR.exec(source);
  if (m === null) throw new K6OptionsError(`failed parsing threshold expression "${source}"; reason: malformed threshold expression`);
  const pct = m[2] === undefined ? undefined : Number(m[2]);
  if (pct !== undefined && (pct < 0 || pct > 100)) throw new K6OptionsError(`failed parsing threshold expression "${source}"; reason: percentile out of range`);
  return { source, aggregation: pct === undefined ? (m[1] as string) : 'p', percentile: pct, op: m[3] as Operator, value: Number(m[4]) };
}

export interface MetricKey {
  metric: string;
  tags: Record<string, string> | null;
}

/** `name{tag:value,other:value}` → metric and tag filter (quotes around values are allowed). */
export function parseMetricKey(key: string): MetricKey {
  const open = key.indexOf('{');
  if (open < 0) return { metric: key.trim(), tags: null };
  if (!key.trimEnd().endsWith('}')) throw new K6OptionsError(`invalid threshold defined on ${key}; reason: missing closing bracket`);
  const metric = key.slice(0, open).trim();
  const body = key.slice(open + 1, key.trimEnd().length - 1);
  const tags: Record<string, string> = {};
  for (const part of body.split(',')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    if (colon < 0) throw new K6OptionsError(`invalid threshold defined on ${key}; reason: malformed tag filter "${part.trim()}"`);
    const k = part.slice(0, colon).trim();
    const v = part.slice(colon + 1).trim().replace(/^(["'`])(.*)\1$/, '$2');
    tags[k] = v;
  }
  return { metric, tags };
}

const ALLOWED: Record<MetricType, readonly string[]> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
};

export interface Threshold extends ThresholdExpr {
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

export interface ThresholdSet {
  key: string;
  metric: string;
  tags: Record<string, string> | null;
  thresholds: Threshold[];
}

/** Parses all thresholds and checks them against the known metrics (exit 104 on any error). */
export function buildThresholds(specs: Record<string, ThresholdSpec[]>, typeOf: (metric: string) => MetricType | undefined): ThresholdSet[] {
  const out: ThresholdSet[] = [];
  for (const [key, list] of Object.entries(specs)) {
    const { metric, tags } = parseMetricKey(key);
    const type = typeOf(metric);
    if (type === undefined) throw new K6OptionsError(`invalid threshold defined on ${key}; reason: no metric name "${metric}" found`);
    const thresholds = list.map((spec) => {
      const expr = parseThresholdExpression(spec.expression);
      if (!ALLOWED[type].includes(expr.aggregation)) {
        throw new K6OptionsError(`invalid threshold defined on ${key}; reason: threshold "${spec.expression}" uses aggregation method "${expr.aggregation === 'p' ? `p(${expr.percentile})` : expr.aggregation}" which is not supported for the metric type ${type}`);
      }
      return { ...expr, abortOnFail: spec.abortOnFail, delayAbortEvalMs: spec.delayAbortEvalMs };
    });
    out.push({ key, metric, tags, thresholds });
  }
  return out;
}

export function thresholdValueName(t: ThresholdExpr): string {
  return t.aggregation === 'p' ? `p(${t.percentile})` : t.aggregation;
}

export function compare(actual: number, op: Operator, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
    case '===':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}
